import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host.js';
import { testHost } from '../../test-support/fixtures.js';
import { signBody } from './webhook-auth.js';

let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function start(env: Record<string, string> = {}, sources?: unknown[]) {
  const t = await testHost(env);
  host = t.host;
  if (sources) (t.config.sources as unknown[]).splice(0, t.config.sources.length, ...sources);
  await host.start();
  return t;
}

const json = { 'content-type': 'application/json' };

describe('POST /ingest/<source>', () => {
  it('writes the event and answers 200 once it is in the file', async () => {
    const { file } = await start();
    const res = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: { id: 'a1' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: 1, created: 1, merged: 0, deduped: 0, filtered: 0 });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'Observation', spec: { source: 'alert', title: 'a1', severity: 'high' }, status: { count: 1 } });
  });

  it('answers 400 with the failing path when the body fails the plugin schema, without reaching the plugin', async () => {
    await start();
    const res = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: { id: 42 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues.map((i: { path: string }) => i.path)).toEqual(['/id']);
    expect(res.json().message).toMatch(/^the body does not match the alert schema at \/id: /);
  });

  it('keeps the valid items of a batch, answers 200 naming the bad ones, and counts them', async () => {
    const { file } = await start();
    const res = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: [{ id: 'ok' }, { id: 'x'.repeat(101) }, { id: 'fine' }] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ received: 3, created: 2, invalid: 1, issues: [{ index: 1, path: '/id' }] });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect((await host!.app.inject('/metrics')).body).toMatch(/zen_watcher_events_dropped_total\{source="alert",reason="invalid_item"\} 1/);
    const allBad = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: [{ id: 1 }, { nope: true }] });
    expect(allBad.statusCode).toBe(400);
    expect(allBad.json().message).toMatch(/^item 0 does not match the alert schema at \/id: .*\(and 1 more item\(s\)\)/);
  });

  it('answers 400 for malformed JSON and for prototype-pollution keys', async () => {
    await start();
    for (const payload of ['{"id": "a"', '{"__proto__": {"polluted": 1}, "id": "a"}']) {
      const res = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload });
      expect(res.statusCode).toBe(400);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers 413 above the body limit and 415 for other content types', async () => {
    await start({ BODY_LIMIT_BYTES: '2048' });
    const big = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: JSON.stringify({ id: 'a', pad: 'x'.repeat(4096) }) });
    expect(big.statusCode).toBe(413);
    const xml = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    const none = await host!.app.inject({ method: 'POST', url: '/ingest/alert', payload: 'id=a' });
    expect(none.statusCode).toBe(415);
    const metrics = (await host!.app.inject('/metrics')).body;
    expect(metrics).toMatch(/zen_watcher_webhook_requests_total\{source="alert",code="413"\} 1/);
    expect(metrics).toMatch(/zen_watcher_events_dropped_total\{source="alert",reason="body_too_large"\} 1/);
  });

  it('accepts NDJSON and +json content types', async () => {
    await start();
    const nd = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: { 'content-type': 'application/x-ndjson' }, payload: '{"id":"a"}\n{"id":"b"}\n' });
    expect(nd.json()).toMatchObject({ received: 2, created: 2 });
    const ce = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' }, payload: { id: 'c' } });
    expect(ce.statusCode).toBe(200);
  });

  it('answers 404 for a path no source serves', async () => {
    await start();
    expect((await host!.app.inject({ method: 'POST', url: '/ingest/nothing', headers: json, payload: {} })).statusCode).toBe(404);
  });

  it('answers 500 when the plugin throws, counts it and keeps serving', async () => {
    await start();
    const res = await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: { id: 'throw' } });
    expect(res.statusCode).toBe(500);
    expect((await host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: json, payload: { id: 'fine' } })).statusCode).toBe(200);
    expect((await host!.app.inject('/metrics')).body).toMatch(/zen_watcher_events_dropped_total\{source="alert",reason="plugin_error"\} 1/);
  });

  it('checks bearer tokens and HMAC signatures with a replay window', async () => {
    const secrets = new Map([['default/hook/token', 's3cret']]);
    const t = await testHost({}, { secrets: { read: (ns, name, key) => secrets.get(`${ns}/${name}/${key}`) } });
    host = t.host;
    t.config.sources.splice(0, 1,
      { source: 'alert', webhook: { path: '/ingest/bearer', auth: { type: 'bearer', secretRef: { name: 'hook', key: 'token' } } } },
      { source: 'alert', webhook: { path: '/ingest/hmac', auth: { type: 'hmac', secretRef: { name: 'hook', key: 'token' } } } },
    );
    await host.start();
    const body = JSON.stringify({ id: 'a' });
    const post = (url: string, headers: Record<string, string>) => host!.app.inject({ method: 'POST', url, headers: { ...json, ...headers }, payload: body });
    expect((await post('/ingest/bearer', {})).statusCode).toBe(401);
    expect((await post('/ingest/bearer', { authorization: 'Bearer nope' })).statusCode).toBe(401);
    expect((await post('/ingest/bearer', { authorization: 'Bearer s3cret' })).statusCode).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    expect((await post('/ingest/hmac', { 'x-zen-timestamp': String(now), 'x-zen-signature': signBody('s3cret', now, body) })).statusCode).toBe(200);
    expect((await post('/ingest/hmac', { 'x-zen-timestamp': String(now), 'x-zen-signature': signBody('wrong', now, body) })).statusCode).toBe(401);
    const old = now - 600;
    expect((await post('/ingest/hmac', { 'x-zen-timestamp': String(old), 'x-zen-signature': signBody('s3cret', old, body) })).statusCode).toBe(401);
    const m = (await host.app.inject('/metrics')).body;
    expect(m).toMatch(/zen_watcher_webhook_auth_failures_total\{source="alert",reason="stale_timestamp"\} 1/);
    expect(m).toMatch(/zen_watcher_webhook_auth_failures_total\{source="alert",reason="bad_signature"\} 1/);
  });
});

describe('probes', () => {
  it('is not ready before start, ready after, and healthy throughout', async () => {
    const t = await testHost();
    host = t.host;
    expect((await host.app.inject('/readyz')).statusCode).toBe(503);
    expect((await host.app.inject('/healthz')).statusCode).toBe(200);
    await host.start();
    expect((await host.app.inject('/readyz')).statusCode).toBe(200);
  });
});
