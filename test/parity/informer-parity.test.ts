import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InformerPlugin, KubeObject } from '@zen-watcher/sdk';
import { runInformer, type InformerInput } from '@zen-watcher/sdk/testing';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { rawRequest } from '../kube-api/raw-client.ts';

// runInformer against the host: the same sequence of object versions, given to runInformer and
// made on the API server (the test server, or ZW_TEST_KUBECONFIG's cluster) for a real leader
// running the same plugin, must come to the same Observations: the selectors applied as the API
// server applies them (an object entering or leaving the selection included), the host's diff
// of what each version holds, and resolutions.

const PLUGIN = join(import.meta.dirname, '..', 'fixtures', 'plugins', 'cm-keys');
let plugin: InformerPlugin<TSchema>;
let cluster: ZenCluster;
let pod: ZenWatcherProcess;
let ns: string;

beforeAll(async () => {
  plugin = (await import(pathToFileURL(join(PLUGIN, 'index.js')).href)).default;
  cluster = await ZenCluster.start({ replicas: 0 });
  ns = cluster.namespace;
  pod = await cluster.add('zw-0', { PLUGINS: PLUGIN, DEDUP_WINDOW_SECONDS: '0' });
  await cluster.leader();
  await cluster.applyIngester('keys', { source: 'cm-keys' });
  await cluster.ingesterReady('keys', 'True', 'Accepted');
}, 60_000);
afterAll(() => cluster?.stop());

/** Every input given so far, in order, as runInformer takes them. */
const inputs: InformerInput[] = [];

/** Finding (`namespace/dedupKey`) → times written and whether it is resolved. */
type Findings = Record<string, { count: number; resolved: boolean }>;

async function fromHarness(): Promise<Findings> {
  const r = await runInformer(plugin, { events: inputs });
  const out: Findings = {};
  for (const e of r.written) {
    const key = `${e.resource?.namespace}/${e.dedupKey}`;
    out[key] = { count: (out[key]?.count ?? 0) + 1, resolved: false };
  }
  for (const key of r.resolved) if (out[key]) out[key].resolved = true;
  return out;
}

async function fromHost(): Promise<Findings> {
  const out: Findings = {};
  for (const o of await cluster.observations()) {
    if (o.spec.source !== 'cm-keys') continue;
    out[`${o.metadata.namespace}/${o.spec.dedupKey}`] = { count: o.status?.count ?? 1, resolved: Boolean((o.status as { resolvedAt?: string } | undefined)?.resolvedAt) };
  }
  return out;
}

const configMaps = () => `/api/v1/namespaces/${ns}/configmaps`;

/** Makes one change on the API server, hands the object it answered to runInformer, and waits for the host to agree. */
async function step(type: InformerInput['type'], method: 'POST' | 'PUT' | 'DELETE', name: string, object?: { labels?: Record<string, string>; data: Record<string, string> }): Promise<void> {
  let answered: KubeObject;
  if (method === 'DELETE') {
    answered = (await rawRequest(cluster.kc, 'GET', `${configMaps()}/${name}`)).json();
    expect((await rawRequest(cluster.kc, 'DELETE', `${configMaps()}/${name}`)).status).toBe(200);
  } else {
    const current = method === 'PUT' ? (await rawRequest(cluster.kc, 'GET', `${configMaps()}/${name}`)).json() : undefined;
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...current?.metadata, name, labels: object!.labels ?? {} }, data: object!.data };
    const res = await rawRequest(cluster.kc, method, method === 'PUT' ? `${configMaps()}/${name}` : configMaps(), body);
    expect(res.status, res.text).toBeLessThan(300);
    answered = res.json();
  }
  inputs.push({ type, object: answered });
  const expected = await fromHarness();
  await waitFor(`the host to agree with runInformer after ${type} ${name}`, async () => JSON.stringify(sorted(await fromHost())) === JSON.stringify(sorted(expected)) || undefined, {
    timeoutMs: 10_000,
    describe: async () => ({ host: sorted(await fromHost()), harness: sorted(expected) }),
  });
}

const sorted = (f: Findings) => Object.fromEntries(Object.entries(f).sort(([a], [b]) => a.localeCompare(b)));
const selected = { 'zw-parity': 'yes' };

describe('runInformer and an informer source behind the host', () => {
  it('come to the same Observations for the same object versions', async () => {
    await step('add', 'POST', 'a', { labels: selected, data: { x: 'high', y: 'low' } });
    // An update that drops one finding and adds another: one write, one resolution.
    await step('update', 'PUT', 'a', { labels: selected, data: { x: 'high', z: 'medium' } });
    // Outside the label selector, then outside the field selector: nothing.
    await step('add', 'POST', 'b', { data: { w: 'high' } });
    await step('add', 'POST', 'ignored', { labels: selected, data: { v: 'high' } });
    // b enters the selection (the API server says ADDED); a leaves it (DELETED).
    await step('update', 'PUT', 'b', { labels: selected, data: { w: 'high' } });
    await step('update', 'PUT', 'a', { data: { x: 'high', z: 'medium' } });
    await step('update', 'PUT', 'b', { labels: selected, data: { w: 'high', u: 'low' } });
    await step('add', 'POST', 'c', { labels: selected, data: { q: 'critical' } });
    await step('delete', 'DELETE', 'c');

    const findings = await fromHost();
    expect(sorted(findings)).toEqual(sorted(await fromHarness()));
    expect(Object.keys(findings).sort()).toEqual([`${ns}/a/x`, `${ns}/a/y`, `${ns}/a/z`, `${ns}/b/u`, `${ns}/b/w`, `${ns}/c/q`]);
    expect(Object.entries(findings).filter(([, f]) => !f.resolved).map(([k]) => k).sort()).toEqual([`${ns}/b/u`, `${ns}/b/w`]);
    const api = cluster.target.api;
    if (api) {
      // Exactly those writes: one create per finding, one resolution each (nothing else written).
      const user = `system:serviceaccount:${ns}:${pod.name}`;
      expect(api.requests.countBy(['verb', 'subresource'], { user, resource: 'observations', verb: ['create', 'update', 'patch', 'delete'] })).toEqual({ 'create -': 6, 'patch status': 4 });
    }
  }, 120_000);
});
