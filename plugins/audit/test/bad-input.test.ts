import { afterEach, describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import audit from '../src/index.js';
import { fixtureJson } from './fixture.js';

const secret = () => fixtureJson('event-v1-metadata-create-secret-kube-system.json');

afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('hostile bodies are refused with 400', () => {
  it.each([
    ['a string', '"event"', '/'],
    ['null', 'null', '/'],
    ['an empty object', '{}', '/auditID'],
    ['items not an array (read as one event, which it is not)', '{"kind":"EventList","items":{}}', '/auditID'],
    ['an EventList whose only item has no auditID', '{"items":[{"stage":"ResponseComplete","verb":"get"}]}', '/auditID'],
    ['verb of the wrong type', JSON.stringify({ ...secret(), verb: 7 }), '/verb'],
    ['objectRef a string', JSON.stringify({ ...secret(), objectRef: 'secrets' }), '/objectRef'],
    ['response code a string', JSON.stringify({ ...secret(), responseStatus: { code: '403' } }), '/responseStatus/code'],
    ['groups not strings', JSON.stringify({ ...secret(), user: { username: 'a', groups: [1] } }), '/user/groups/0'],
    ['a huge name', JSON.stringify({ ...secret(), objectRef: { resource: 'secrets', name: 'n'.repeat(5000) } }), '/objectRef/name'],
    ['a __proto__ key', '{"auditID":"a","stage":"ResponseComplete","verb":"get","__proto__":{"polluted":1}}', '/'],
    ['NDJSON with a broken line', '{"auditID":"a","stage":"ResponseComplete","verb":"get"}\n{"auditID":', '/'],
  ])('%s', async (_name, rawBody, path) => {
    const r = await runWebhook(audit, { rawBody, contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.issues.map((i) => i.path)).toContain(path);
    expect(r.errors).toEqual([]);
  });

  it('refuses more than 10000 items', async () => {
    const r = await runWebhook(audit, { body: { items: Array.from({ length: 10_001 }, secret) } });
    expect(r.status).toBe(400);
  });

  it('keeps the good events of an EventList with a malformed one, naming it by index and field', async () => {
    const list = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [secret(), { ...secret(), auditID: 7 }, { ...secret(), auditID: 'other' }] };
    const r = await runWebhook(audit, { rawBody: JSON.stringify(list), contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.invalidItems).toBe(1);
    expect(r.issues).toEqual([{ index: 1, path: '/auditID', message: expect.any(String) }]);
    expect(r.events.length).toBeGreaterThan(0);
  });
});

describe('odd but well-typed events', () => {
  it('never follows payload __proto__ or constructor keys', async () => {
    const body = JSON.parse(
      JSON.stringify({ ...secret(), level: 'Request', verb: 'create', objectRef: { resource: 'pods', namespace: 'x', apiVersion: 'v1' } }).replace(
        '"level"',
        '"requestObject":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"spec":{"__proto__":{"hostPID":true}}},"level"',
      ),
    );
    const r = await runWebhook(audit, { body });
    expect(r.status).toBe(200);
    expect(r.events).toEqual([]);
    expect(r.metrics['dropped_total{reason="no_matching_rule"}']).toBe(1);
  });

  it('bounds huge strings and lists it copies, and survives deep nesting', async () => {
    let deep: unknown = { privileged: true };
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const e = {
      ...secret(),
      requestURI: `/api/v1/namespaces/kube-system/secrets?x=${'q'.repeat(200_000)}`,
      userAgent: 'u\uD800'.repeat(10_000),
      sourceIPs: Array.from({ length: 200 }, (_, i) => `10.0.0.${i}`),
      user: { username: `evil\n${'x'.repeat(900)}`, groups: Array.from({ length: 500 }, (_, i) => `g${i}`) },
      responseStatus: { code: 201, message: 'm'.repeat(100_000) },
      requestObject: deep,
    };
    const r = await runWebhook(audit, { body: e });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    const [ev] = r.events;
    expect(ev.title.length).toBeLessThanOrEqual(160);
    expect(ev.title).not.toMatch(/\n/);
    expect(JSON.stringify(ev.details).length).toBeLessThan(8_000);
    expect(JSON.stringify(ev)).not.toMatch(/\\ud800/i);
  });

  it('falls back to the receive time for unusable timestamps, and skips a bad namespace', async () => {
    const e = {
      ...secret(),
      requestReceivedTimestamp: 'soon',
      stageTimestamp: '2020-02-30T00:00:00Z',
      objectRef: { resource: 'secrets', namespace: 'Not/A Namespace', name: 'x', apiVersion: 'v1' },
    };
    const before = Date.now();
    const r = await runWebhook(audit, { body: e });
    expect(Date.parse(r.events[0].detectedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(r.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Secret', name: 'x' });
  });

  it('a JSON patch (an array) as requestObject is not read as a pod spec', async () => {
    const e = {
      ...secret(),
      verb: 'patch',
      level: 'Request',
      objectRef: { resource: 'pods', namespace: 'x', name: 'p', apiVersion: 'v1' },
      requestObject: [{ op: 'add', path: '/spec/hostPID', value: true }],
    };
    const r = await runWebhook(audit, { body: e });
    expect(r.status).toBe(200);
    expect(r.events).toEqual([]);
  });
});
