import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import falco from '../src/index.js';
import { fixtureJson } from './fixture.js';

type Alert = Record<string, unknown> & { output_fields?: Record<string, unknown> };
const shell = (): Alert => fixtureJson<Alert>('raw-syscall-notice-terminal-shell-deployment-pod.json');
const connect = (): Alert => fixtureJson<Alert>('raw-syscall-notice-k8s-api-connection.json');

async function one(alert: unknown, config?: unknown) {
  const r = await runWebhook(falco, { body: alert, config });
  expect(r.status).toBe(200);
  expect(r.invalid).toEqual([]);
  return r;
}

describe('priority → severity', () => {
  it.each([
    ['Emergency', 'critical'],
    ['Alert', 'critical'],
    ['Critical', 'critical'],
    ['Error', 'high'],
    ['Warning', 'medium'],
    ['Notice', 'low'],
    ['Informational', 'info'],
    ['Debug', 'info'],
    ['CRITICAL', 'critical'],
    ['warning', 'medium'],
    ['informational', 'info'],
    ['info', 'info'],
    ['warn', 'medium'],
  ])('%s → %s', async (priority, severity) => {
    const r = await one({ ...shell(), priority });
    expect(r.events.map((e) => e.severity)).toEqual([severity]);
  });

  it('drops and counts an unknown priority', async () => {
    const r = await one({ ...shell(), priority: 'Bogus' });
    expect(r.events).toEqual([]);
    expect(r.metrics['dropped_total{reason="unknown_priority"}']).toBe(1);
  });
});

describe('minPriority', () => {
  it.each([
    ['debug', 8],
    ['informational', 7],
    ['notice', 6],
    ['warning', 5],
    ['error', 4],
    ['critical', 3],
    ['alert', 2],
    ['emergency', 1],
  ])('minPriority %s keeps %i of the eight priorities', async (minPriority, kept) => {
    const body = ['Emergency', 'Alert', 'Critical', 'Error', 'Warning', 'Notice', 'Informational', 'Debug'].map((priority) => ({ ...shell(), priority }));
    const r = await one(body, { minPriority });
    expect(r.events).toHaveLength(kept);
    const dropped = r.metrics['dropped_total{reason="below_min_priority"}'] ?? 0;
    expect(dropped).toBe(8 - kept);
  });

  it('refuses a misspelt config key or priority', async () => {
    await expect(runWebhook(falco, { body: shell(), config: { minPrio: 'warning' } })).rejects.toThrow(/minPrio/);
    await expect(runWebhook(falco, { body: shell(), config: { minPriority: 'Warning' } })).rejects.toThrow(/minPriority/);
  });
});

describe('dedup key', () => {
  const key = async (alert: unknown) => (await one(alert)).events[0].dedupKey;

  it('is the same for the same finding at another time, pid or client port', async () => {
    const a = connect();
    const b = connect();
    b.time = '2021-04-10T19:29:00.000000000Z';
    b.output_fields = { ...b.output_fields, 'evt.time': 1618082940000000000, 'proc.pid': 4242, 'fd.name': '172.17.0.9:50122->10.96.0.1:443' };
    expect(await key(a)).toBe(await key(b));
  });

  it('differs for another pod, command, destination, rule or user', async () => {
    const base = await key(shell());
    const variants: Alert[] = [
      { ...shell(), output_fields: { ...shell().output_fields, 'k8s.pod.name': 'other-pod' } },
      { ...shell(), output_fields: { ...shell().output_fields, 'proc.cmdline': 'sh -c id' } },
      { ...shell(), output_fields: { ...shell().output_fields, 'user.name': 'nobody' } },
      { ...shell(), rule: 'Another rule' },
    ];
    const keys = await Promise.all(variants.map(key));
    expect(new Set([base, ...keys]).size).toBe(5);
    const other = connect();
    other.output_fields = { ...other.output_fields, 'fd.name': '172.17.0.9:43812->10.96.0.2:6443' };
    expect(await key(other)).not.toBe(await key(connect()));
  });

  it('keys k8saudit alerts by user, verb and target', async () => {
    const a = fixtureJson<Alert>('raw-k8saudit-warning-disallowed-user-403.json');
    const again = { ...a, time: '2025-02-10T10:00:00Z', output_fields: { ...a.output_fields, 'evt.time': 1 } };
    const otherUser = { ...a, output_fields: { ...a.output_fields, 'ka.user.name': 'mallory' } };
    expect(await key(again)).toBe(await key(a));
    expect(await key(otherUser)).not.toBe(await key(a));
  });

  it('follows the configured dedupFields', async () => {
    const a = shell();
    const b = { ...shell(), output_fields: { ...shell().output_fields, 'proc.cmdline': 'sh -c id' } };
    const r = await one([a, b], { dedupFields: ['container.image.repository'] });
    expect(r.events[0].dedupKey).toBe(r.events[1].dedupKey);
  });
});

describe('time', () => {
  it('falls back to evt.time.iso8601 (integer ns), then evt.time, then the receive time', async () => {
    const a = shell();
    delete a.time;
    expect((await one(a)).events[0].detectedAt).toBe('2021-06-13T19:35:58.532Z');
    a.output_fields = { ...a.output_fields, 'evt.time.iso8601': '2021-06-13T21:35:58.532086161+02:00' };
    expect((await one(a)).events[0].detectedAt).toBe('2021-06-13T19:35:58.532Z');
    const b = { rule: 'r', priority: 'Notice', output: 'x', time: 'not a time' };
    const before = Date.now();
    const at = Date.parse((await one(b)).events[0].detectedAt!);
    expect(at).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('resource', () => {
  it('names a container outside Kubernetes, and nothing for the host', async () => {
    const container = { rule: 'r', priority: 'Notice', output_fields: { 'container.id': 'abc123', 'container.name': 'web', 'k8s.pod.name': null } };
    expect((await one(container)).events[0].resource).toEqual({ kind: 'Container', name: 'web' });
    const host = { rule: 'r', priority: 'Notice', hostname: 'node-1', output_fields: { 'container.id': 'host', 'k8s.pod.name': '<NA>' } };
    expect((await one(host)).events[0].resource).toBeUndefined();
  });

  it('leaves out a namespace that is not a DNS label', async () => {
    const a = { ...shell(), output_fields: { ...shell().output_fields, 'k8s.ns.name': '../Kube System' } };
    expect((await one(a)).events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'alpine-deployment-77789455d6-m7flp' });
  });

  it('marks Falco internal alerts as operations', async () => {
    const r = await one({ rule: 'Falco internal: syscall event drop', priority: 'Debug', output: 'Falco internal: syscall event drop. 1 system calls dropped in last second.', source: 'internal' });
    expect(r.events[0]).toMatchObject({ category: 'operations', eventType: 'falco_internal' });
  });
});
