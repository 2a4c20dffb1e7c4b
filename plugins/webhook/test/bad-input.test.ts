import { afterEach, describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import webhook from '../src/index.js';

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
});

describe('hostile bodies', () => {
  it.each([
    ['a string', '"hello"'],
    ['a number', '1'],
    ['null', 'null'],
    ['true', 'true'],
    ['not JSON', '{"a":'],
    ['trailing commas', '{"a":1,}'],
    ['a __proto__ key', '{"message":"x","__proto__":{"polluted":1}}'],
    ['a nested constructor.prototype', '{"a":{"constructor":{"prototype":{"polluted":1}}}}'],
  ])('%s → 400', async (_name, rawBody) => {
    const r = await runWebhook(webhook, { rawBody, contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.errors).toEqual([]);
  });

  it('more than 10000 array elements → 400', async () => {
    const r = await runWebhook(webhook, { body: Array.from({ length: 10_001 }, () => ({})) });
    expect(r.status).toBe(400);
  });

  it('own __proto__ keys in a body parsed without the guard are never copied or followed', async () => {
    const body = JSON.parse('{"message":"x","__proto__":{"polluted":1,"severity":"critical"},"labels":{"__proto__":{"polluted":1}}}');
    const r = await runWebhook(webhook, {
      body,
      config: { title: '{{__proto__.polluted}}{{message}}', dedupFields: ['__proto__.polluted'], detailsPaths: ['__proto__', 'labels'] },
    });
    expect(r.status).toBe(200);
    const [e] = r.events;
    expect(e.severity).toBe('info');
    expect(e.title).toBe('1x');
    expect(Object.getPrototypeOf(e.details)).toBe(Object.prototype);
    expect(Object.hasOwn(e.details!, '__proto__')).toBe(false);
    expect(Object.keys((e.details as { labels: object }).labels)).toEqual([]);
    const whole = await runWebhook(webhook, { body });
    expect(Object.hasOwn(whole.events[0].details!, '__proto__')).toBe(false);
  });

  it('deep nesting: a counted drop when the whole item must be hashed, fine when it need not', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const r = await runWebhook(webhook, { body: [{ message: 'deep', deep }, { message: 'flat' }] });
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => e.title)).toEqual(['flat']);
    expect(r.metrics['dropped_total{reason="too_deep"}']).toBe(1);
    const keyed = await runWebhook(webhook, { body: { message: 'deep', id: 1, deep }, config: { dedupFields: ['id'], title: '{{deep}}' } });
    expect(keyed.events).toHaveLength(1);
    expect(keyed.events[0].title.length).toBeLessThanOrEqual(160);
    expect(JSON.stringify(keyed.events[0].details).length).toBeLessThan(2_000);
  });

  it('huge strings, arrays, key counts and invalid UTF-8 are bounded', async () => {
    const wide: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) wide[`k${i}`] = 'v'.repeat(100);
    const body = {
      message: `\uFFFD\uD800 ${'m'.repeat(1_000_000)}`,
      list: Array.from({ length: 100_000 }, (_, i) => i),
      wide,
      severity: 'x'.repeat(100_000),
    };
    const started = performance.now();
    const r = await runWebhook(webhook, { body, config: { dedupFields: ['wide'] } });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    const [e] = r.events;
    expect(e.title.length).toBeLessThanOrEqual(160);
    expect(e.message!.length).toBeLessThanOrEqual(4096);
    expect(e.dedupKey.length).toBeLessThanOrEqual(4096);
    expect(JSON.stringify(e.details).length).toBeLessThan(16_000);
    expect(JSON.stringify(e)).not.toMatch(/\\ud800/i);
    expect(e.severity).toBe('info');
    expect(r.metrics.unmapped_severity_total).toBe(1);
  });

  it('values of the wrong type in mapped fields fall back to the defaults', async () => {
    const r = await runWebhook(webhook, {
      body: { title: { nested: true }, severity: ['high'], category: 3, timestamp: { t: 1 }, resource: 'pod/x', involvedObject: [1] },
    });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events[0]).toMatchObject({ title: '{"nested":true}', severity: 'info', category: 'operations' });
    expect(r.events[0].resource).toBeUndefined();
  });
});
