import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS } from '@zen-watcher/sdk';
import { runWebhook } from '@zen-watcher/sdk/testing';
import falco from '../src/index.js';
import { fixtureJson } from './fixture.js';

const good = () => fixtureJson('raw-syscall-critical-terminal-shell.json');

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('hostile bodies are refused with 400', () => {
  it.each([
    ['a string', '"alert"', '/'],
    ['a number', '42', '/'],
    ['null', 'null', '/'],
    ['an empty object', '{}', '/rule'],
    ['rule of the wrong type', '{"rule":5,"priority":"Notice"}', '/rule'],
    ['priority of the wrong type', '{"rule":"r","priority":["Notice"]}', '/priority'],
    ['output_fields not an object', '{"rule":"r","priority":"Notice","output_fields":"x"}', '/output_fields'],
    ['k8s.pod.name of the wrong type', '{"rule":"r","priority":"Notice","output_fields":{"k8s.pod.name":{"a":1}}}', '/output_fields/k8s.pod.name'],
    ['tags not strings', '{"rule":"r","priority":"Notice","tags":[1]}', '/tags/0'],
    ['a huge rule name', JSON.stringify({ rule: 'x'.repeat(5000), priority: 'Notice' }), '/rule'],
    ['not JSON', '{"rule":', '/'],
    ['a __proto__ key', '{"rule":"r","priority":"Notice","output_fields":{"__proto__":{"polluted":1}}}', '/'],
  ])('%s', async (_name, rawBody, path) => {
    const r = await runWebhook(falco, { rawBody, contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.issues.map((i) => i.path)).toContain(path);
    expect(r.errors).toEqual([]);
  });

  it('refuses a batch of more than LIMITS.batchItems alerts', async () => {
    const r = await runWebhook(falco, { body: Array.from({ length: LIMITS.batchItems + 1 }, good) });
    expect(r.status).toBe(400);
    expect(r.issues[0].message).toMatch(/at most 10000 items/);
  });

  it('keeps the good alerts of a batch with a bad one, and names the bad one by index and field', async () => {
    const r = await runWebhook(falco, { rawBody: `[${JSON.stringify(good())},{"rule":"r"}]`, contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.events).toHaveLength(1);
    expect(r.invalidItems).toBe(1);
    expect(r.issues).toEqual([{ index: 1, path: '/priority', message: expect.stringMatching(/required/) }]);
  });

  it('keeps the good lines of NDJSON with a bad one', async () => {
    const r = await runWebhook(falco, { rawBody: `${JSON.stringify(good())}\n{"priority":"Notice"}\n${JSON.stringify(good())}\n`, contentType: 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.events).toHaveLength(2);
    expect(r.issues.map((i) => [i.index, i.path])).toEqual([[1, '/rule']]);
  });
});

describe('odd but well-typed bodies', () => {
  it('never writes a payload __proto__ key into an object', async () => {
    // A body parsed without the host's guard: __proto__ is an own key here.
    const body = JSON.parse('{"rule":"r","priority":"Notice","output_fields":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}');
    const r = await runWebhook(falco, { body });
    expect(r.status).toBe(200);
    const fields = (r.events[0].details as { outputFields: object }).outputFields;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.keys(fields)).toEqual([]);
  });

  it('bounds long strings, many fields and invalid UTF-8 in what it copies', async () => {
    const fields: Record<string, unknown> = { 'proc.cmdline': `bash ${'A'.repeat(100_000)}\uD800` };
    for (let i = 0; i < 500; i++) fields[`custom.f${i}`] = 'v'.repeat(1000);
    const r = await runWebhook(falco, {
      body: { rule: `Odd rule \uFFFD\n${'r'.repeat(900)}`, priority: 'Warning', output: `12:00:00.0: Warning ${'o'.repeat(200_000)}`, output_fields: fields },
    });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    const [e] = r.events;
    expect(e.title.length).toBeLessThanOrEqual(120);
    expect(e.title).not.toMatch(/\n/);
    expect(e.message!.length).toBeLessThanOrEqual(4096);
    expect(JSON.stringify(e.details).length).toBeLessThan(40_000);
    expect(e.dedupKey.length).toBeLessThanOrEqual(4096);
    expect(JSON.stringify(e)).not.toMatch(/\\ud800/i);
  });

  it('accepts deep nesting in fields it does not read', async () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const r = await runWebhook(falco, { body: { ...good(), output_fields: { 'k8s.pod.name': 'p', nested: deep } } });
    expect(r.status).toBe(200);
    expect(r.events).toHaveLength(1);
  });

  it('an empty batch yields no events', async () => {
    const r = await runWebhook(falco, { body: [] });
    expect(r.status).toBe(200);
    expect(r.events).toEqual([]);
  });
});
