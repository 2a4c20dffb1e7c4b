import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import webhook from '../src/index.js';
import { getPath, parseAlternatives, parsePath } from '../src/path.js';
import { compileTemplate, renderTemplate } from '../src/template.js';

async function run(body: unknown, config?: unknown, rawBody?: string) {
  const r = await runWebhook(webhook, rawBody === undefined ? { body, config } : { rawBody, config, contentType: 'application/x-ndjson' });
  expect(r.status).toBe(200);
  expect(r.invalid).toEqual([]);
  return r;
}

describe('defaults for an arbitrary JSON object', () => {
  it.each([
    [{ title: 'T', message: 'M' }, 'T'],
    [{ message: 'disk full' }, 'disk full'],
    [{ summary: 'S', msg: 'm' }, 'S'],
    [{ msg: 'm' }, 'm'],
    [{ other: 1 }, 'Webhook event'],
    [{ message: 'line one\nline two\ttab' }, 'line one line two tab'],
    [{ message: 42 }, '42'],
  ])('%j → title %s', async (body, title) => {
    expect((await run(body)).events[0].title).toBe(title);
  });

  it.each([
    ['critical', 'critical'],
    ['FATAL', 'critical'],
    ['page', 'critical'],
    ['P1', 'critical'],
    ['error', 'high'],
    ['major', 'high'],
    ['warning', 'medium'],
    ['Warn', 'medium'],
    ['minor', 'low'],
    ['notice', 'low'],
    ['info', 'info'],
    ['debug', 'info'],
    ['weird', 'info'],
    ['constructor', 'info'],
  ])('severity %s → %s', async (value, severity) => {
    expect((await run({ severity: value })).events[0].severity).toBe(severity);
  });

  it('reads level and priority too, in that order after severity', async () => {
    const r = await run([{ level: 'error' }, { priority: 'low' }, { severity: 'low', level: 'critical' }]);
    expect(r.events.map((e) => e.severity)).toEqual(['high', 'low', 'low']);
  });

  it('the severity map overrides the built-in words, case-insensitively', async () => {
    const r = await run([{ severity: 'PAGE' }, { severity: 'warning' }, { severity: 'Sev-Zero' }], { severityMap: { warning: 'high', 'sev-zero': 'critical' } });
    expect(r.events.map((e) => e.severity)).toEqual(['critical', 'high', 'critical']);
  });

  it('category and eventType come from the payload when valid', async () => {
    const r = await run([{ category: 'Security', type: 'ImagePullBackOff' }, { category: 'nonsense', eventType: '!!' }]);
    expect(r.events.map((e) => [e.category, e.eventType])).toEqual([
      ['security', 'image_pull_back_off'],
      ['operations', 'webhook_event'],
    ]);
  });

  it('detectedAt takes the first alternative that is a time, epoch numbers included', async () => {
    const r = await run([{ timestamp: 'n/a', time: 1700000000 }, { '@timestamp': '2026-11-26T06:00:00+01:00' }, { createdAt: '0001-01-01T00:00:00Z' }]);
    expect(r.events[0].detectedAt).toBe('2023-11-14T22:13:20.000Z');
    expect(r.events[1].detectedAt).toBe('2026-11-26T05:00:00.000Z');
    expect(Date.parse(r.events[2].detectedAt!)).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
  });

  it('NDJSON: one event per line', async () => {
    const r = await run(undefined, undefined, '{"message":"a"}\n{"message":"b"}\n');
    expect(r.events.map((e) => e.title)).toEqual(['a', 'b']);
  });
});

describe('items', () => {
  it('itemsPath on an array body applies to each element; $root is that element', async () => {
    const r = await run([{ group: 'g1', items: [{ m: 'a' }, { m: 'b' }] }, { group: 'g2', items: [{ m: 'c' }] }], { itemsPath: 'items', title: '{{m}}@{{$root.group}}' });
    expect(r.events.map((e) => e.title)).toEqual(['a@g1', 'b@g1', 'c@g2']);
  });

  it('counts what it cannot use', async () => {
    const r = await run([{ alerts: [{ m: 1 }, 'text', 7, null, [1]] }, { noAlerts: true }], { itemsPath: 'alerts' });
    expect(r.events).toHaveLength(1);
    expect(r.metrics['dropped_total{reason="not_an_object"}']).toBe(4);
    expect(r.metrics['dropped_total{reason="no_items"}']).toBe(1);
  });

  it('takes at most maxItems per request', async () => {
    const r = await run({ alerts: Array.from({ length: 25 }, (_, i) => ({ i })) }, { itemsPath: 'alerts', maxItems: 10 });
    expect(r.events).toHaveLength(10);
    expect(r.metrics['dropped_total{reason="too_many_items"}']).toBe(15);
  });
});

describe('paths and templates', () => {
  it.each([
    ['a.b', { a: { b: 1 } }, 1],
    ['alerts[1].labels.x', { alerts: [{}, { labels: { x: 'y' } }] }, 'y'],
    ['alerts.1.labels.x', { alerts: [{}, { labels: { x: 'y' } }] }, 'y'],
    ['metadata["app.kubernetes.io/name"]', { metadata: { 'app.kubernetes.io/name': 'web' } }, 'web'],
    ["m['a|b']", { m: { 'a|b': 2 } }, 2],
    ['@timestamp', { '@timestamp': 't' }, 't'],
    ['a[5]', { a: [1] }, undefined],
    ['a.length', { a: [1] }, undefined],
    ['constructor', {}, undefined],
    ['__proto__', {}, undefined],
    ['a.toString', { a: {} }, undefined],
  ])('%s', (path, value, expected) => {
    expect(getPath(value, parsePath(path), value)).toEqual(expected);
  });

  it('splits alternatives outside quotes only', () => {
    expect(parseAlternatives('a|m["x|y"]|b').map((p) => p.segments)).toEqual([['a'], ['m', 'x|y'], ['b']]);
  });

  it.each(['a..b', 'a[', 'a[x]', '', 'a b', '{{x}}'])('refuses the path %j', (path) => {
    expect(() => parsePath(path)).toThrow(SyntaxError);
  });

  it('renders missing values as nothing, with the sign that tied them to the text, and objects as compact JSON', () => {
    const t = compileTemplate('{{a}}|{{missing}}|{{o}}|{{n}}|{{b}}');
    expect(renderTemplate(t, { a: 'x', o: { k: [1] }, n: null, b: false }, undefined)).toBe('x|{"k":[1]}|false');
  });

  it.each([
    ['{{labels.alertname}} on {{labels.instance}}', { labels: { alertname: 'KubeJobFailed' } }, 'KubeJobFailed'],
    ['{{labels.alertname}} on {{labels.instance}}', { labels: { instance: 'n1:9100' } }, 'n1:9100'],
    ['{{labels.alertname}} on {{labels.instance}}', { labels: {} }, ''],
    ['{{a}} ({{b}}) now', { a: 'A' }, 'A now'],
    ['{{a}}: {{b}}', { a: 'A' }, 'A'],
    ['{{a}} - {{b}} in {{c}}', { a: 'A', c: 'C' }, 'A in C'],
    ['Pods in {{ns}} are failing', {}, 'Pods are failing'],
    ['login for {{user}}', {}, 'login'],
  ])('leaves no dangling word: %s with %j → %j', (source, item, expected) => {
    expect(renderTemplate(compileTemplate(source), item, undefined)).toBe(expected);
  });

  it('has no expressions: anything else is a path or an error', () => {
    expect(() => compileTemplate('{{ process.exit() }}')).toThrow(SyntaxError);
    expect(renderTemplate(compileTemplate('{{constructor.constructor}}'), {}, undefined)).toBe('');
    expect(() => compileTemplate('{{a')).toThrow(/unclosed/);
  });

  it('a malformed path or template in config fails start, naming the field', async () => {
    await expect(runWebhook(webhook, { body: {}, config: { title: '{{labels.alertname' } })).rejects.toThrow(/webhook config title: unclosed/);
    await expect(runWebhook(webhook, { body: {}, config: { dedupFields: ['a', 'b['] } })).rejects.toThrow(/dedupFields\[1\]/);
    await expect(runWebhook(webhook, { body: {}, config: { itemPath: 'alerts' } })).rejects.toThrow(/itemPath/);
    await expect(runWebhook(webhook, { body: {}, config: { defaultEventType: 'Not-Valid' } })).rejects.toThrow(/defaultEventType/);
  });
});

describe('resource', () => {
  it('from the default paths, with defaults completing it and bad namespaces left out', async () => {
    const r = await run(
      [
        { resource: { kind: 'Deployment', name: 'web', namespace: 'shop' } },
        { namespace: 'Bad Namespace!', resource: { name: 'x' } },
        { involvedObject: { name: 'n'.repeat(300) } },
      ],
      { resourceDefaults: { apiVersion: 'apps/v1' } },
    );
    expect(r.events.map((e) => e.resource)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop' }, { apiVersion: 'apps/v1', name: 'x' }, undefined]);
  });
});
