import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import { rawRequest } from './raw-client.ts';
import type { KubeApi } from './server.ts';
import type { TestTarget } from './target.ts';
import { createCrd, fakeOnly, isFake, randomSuffix, testTarget } from './target.ts';
import { waitFor } from './wait-for.ts';

const skip = fakeOnly('fault injection needs the in-process server');

let target: TestTarget;
let api: KubeApi;
let ns: string;
let core: k8s.CoreV1Api;
let dir: string;
/** A second client (user bob) to show that faults aimed at one client spare the others. */
let bobKc: k8s.KubeConfig;
let bobToken: string;

beforeAll(async () => {
  if (!isFake) return;
  target = await testTarget({ api: { bookmarkIntervalMs: 100, tooLargeResourceVersionWaitMs: 200, crdEstablishDelayMs: 10 } });
  api = target.api!;
  ns = target.namespace;
  core = target.kc.makeApiClient(k8s.CoreV1Api);
  dir = await mkdtemp(join(tmpdir(), 'zw-faults-'));
  bobToken = await api.writeKubeconfig(join(dir, 'bob'), { user: 'bob' });
  bobKc = new k8s.KubeConfig();
  bobKc.loadFromFile(join(dir, 'bob'));
});
afterAll(async () => {
  await target?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(() => api?.faults.clear());

interface Watching {
  events: { type: string; obj: Record<string, any> }[];
  done: Promise<unknown>;
  stop(): void;
}

async function watch(kc: k8s.KubeConfig, params: Record<string, string | number | boolean | undefined> = {}): Promise<Watching> {
  const events: Watching['events'] = [];
  let finish: (v: unknown) => void = () => {};
  const done = new Promise((r) => (finish = r));
  const ctl = await new k8s.Watch(kc).watch(`/api/v1/namespaces/${ns}/configmaps`, params, (type, obj) => events.push({ type, obj }), (err) => finish(err ?? null));
  return { events, done, stop: () => ctl.abort() };
}

const cm = (name: string) => ({ namespace: ns, body: { metadata: { name } } });

describe.skipIf(skip)('fault injection', () => {
  it('fails matching requests a number of times with 500, then lets them through', async () => {
    const h = api.faults.fail({ match: { verb: 'list', resource: 'configmaps' }, status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const f = await apiFailure(core.listNamespacedConfigMap({ namespace: ns }));
      expect(f.code).toBe(500);
      expect(f.status).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    }
    await core.listNamespacedConfigMap({ namespace: ns });
    await core.readNamespace({ name: ns });
    expect(h.hits).toBe(2);
  });

  it('answers 429 as API Priority and Fairness does: plain text with Retry-After', async () => {
    api.faults.fail({ match: { verb: 'create' }, status: 429, retryAfterSeconds: 3 });
    const res = await rawRequest(target.kc, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'x' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.text).toBe('Too many requests, please try again later.\n');
  });

  it('answers 503 with a Status and Retry-After', async () => {
    api.faults.fail({ match: { verb: 'get', resource: 'namespaces' }, status: 503, retryAfterSeconds: 2 });
    const f = await apiFailure(core.readNamespace({ name: ns }));
    expect(f.code).toBe(503);
    expect(f.status.reason).toBe('ServiceUnavailable');
    expect(f.headers['retry-after']).toBe('2');
  });

  it('aims at one client by user or token and spares the others', async () => {
    api.faults.fail({ match: { user: 'bob' }, status: 500 });
    const bob = bobKc.makeApiClient(k8s.CoreV1Api);
    expect((await apiFailure(bob.listNamespacedConfigMap({ namespace: ns }))).code).toBe(500);
    await core.listNamespacedConfigMap({ namespace: ns });
    api.faults.clear();
    api.faults.fail({ match: { token: bobToken }, status: 503 });
    expect((await apiFailure(bob.readNamespace({ name: ns }))).code).toBe(503);
  });

  it('fails a fraction of matching requests', async () => {
    const h = api.faults.fail({ match: { verb: 'get', resource: 'namespaces' }, status: 500, fraction: 0.5 });
    let failed = 0;
    for (let i = 0; i < 100; i++) {
      try {
        await core.readNamespace({ name: ns });
      } catch {
        failed++;
      }
    }
    expect(failed).toBe(h.hits);
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(80);
  });

  it('adds latency to matching requests', async () => {
    api.faults.latency({ match: { verb: 'get' }, ms: 300 });
    const t0 = Date.now();
    await core.readNamespace({ name: ns });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const t1 = Date.now();
    await core.listNamespacedConfigMap({ namespace: ns });
    expect(Date.now() - t1).toBeLessThan(250);
  });

  it('closes every open watch, gracefully or by reset', async () => {
    const a = await watch(target.kc);
    const b = await watch(bobKc);
    await waitFor(() => api.openWatches >= 2);
    expect(api.faults.closeWatches({ user: 'bob' })).toBe(1);
    expect(await b.done).toBeNull();
    expect(api.faults.closeWatches(undefined, { abrupt: true })).toBe(1);
    expect(await a.done).toBeInstanceOf(Error);
  });

  it('freezes watches (open, silent) until unfrozen, then delivers what they missed', async () => {
    const w = await watch(target.kc, { allowWatchBookmarks: true, labelSelector: 'set=freeze' });
    api.faults.freezeWatches();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'frozen-1', labels: { set: 'freeze' } } } });
    await new Promise((r) => setTimeout(r, 400));
    expect(w.events).toEqual([]);
    expect(api.openWatches).toBeGreaterThanOrEqual(1);
    api.faults.unfreezeWatches();
    await waitFor(() => w.events.some((e) => e.type === 'ADDED' && e.obj.metadata.name === 'frozen-1'));
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK'));
    w.stop();
  });

  it('compacts history: watching from an older resourceVersion gets a 410 Expired ERROR event', async () => {
    const old = (await core.createNamespacedConfigMap(cm('before-compact'))).metadata!.resourceVersion!;
    await core.createNamespacedConfigMap(cm('after-compact'));
    api.faults.compact();
    const w = await watch(target.kc, { resourceVersion: old });
    await w.done;
    expect(w.events).toHaveLength(1);
    expect(w.events[0].type).toBe('ERROR');
    expect(w.events[0].obj).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(w.events[0].obj.message).toMatch(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
  });

  it('expires a continue token after compaction (410)', async () => {
    for (let i = 0; i < 3; i++) await core.createNamespacedConfigMap(cm(`cont-${i}`));
    const page = await core.listNamespacedConfigMap({ namespace: ns, limit: 1 });
    await core.createNamespacedConfigMap(cm('cont-later'));
    api.faults.compact();
    const f = await apiFailure(core.listNamespacedConfigMap({ namespace: ns, limit: 1, _continue: page.metadata!._continue }));
    expect(f.code).toBe(410);
    expect(f.status.reason).toBe('Expired');
  });

  it('makes an informer relist after a 410', async () => {
    const informer = k8s.makeInformer(target.kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=relist' }), 'set=relist');
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rl-1', labels: { set: 'relist' } } } });
    await waitFor(() => added.includes('rl-1'));
    const lists = api.requests.count({ verb: 'list', resource: 'configmaps', namespace: ns });
    // Something else changes, so the informer's resourceVersion is no longer the newest.
    await core.createNamespacedConfigMap(cm('unrelated'));
    api.faults.compact();
    api.faults.closeWatches();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rl-2', labels: { set: 'relist' } } } });
    await waitFor(() => added.includes('rl-2'), { timeoutMs: 15_000 });
    await informer.stop();
    expect(api.requests.count({ verb: 'list', resource: 'configmaps', namespace: ns })).toBeGreaterThan(lists);
  });

  it('keeps a watch from a future resourceVersion open and silent until its timeout (a list would 504)', async () => {
    const w = await watch(target.kc, { resourceVersion: String(Number(api.store.rv) + 1000), timeoutSeconds: 2, allowWatchBookmarks: true });
    await core.createNamespacedConfigMap(cm('before-the-future'));
    expect(await w.done).toBeNull();
    expect(w.events).toEqual([]);
  });

  it('partitions one client (hang): its requests are never answered, others go on', async () => {
    const bob = bobKc.makeApiClient(k8s.CoreV1Api);
    const since = Date.now();
    const p = api.faults.partition({ user: 'bob' }, 'hang');
    const hung = bob.createNamespacedConfigMap(cm('from-bob')).then(
      () => 'answered',
      () => 'failed',
    );
    const raced = await Promise.race([hung, new Promise((r) => setTimeout(() => r('pending'), 400))]);
    expect(raced).toBe('pending');
    await core.createNamespacedConfigMap(cm('from-admin'));
    expect(api.requests.count({ user: 'bob', verb: ['create', 'update', 'patch', 'delete'], since })).toBe(0);
    expect(api.requests.count({ user: 'bob', includePartitioned: true, since })).toBe(1);
    p.remove();
    expect(await hung).toBe('failed');
    await bob.createNamespacedConfigMap(cm('from-bob'));
    expect(p.hits).toBe(1);
  });

  it('partitions one client (reset): its connections are reset', async () => {
    const bob = bobKc.makeApiClient(k8s.CoreV1Api);
    api.faults.partition({ token: bobToken }, 'reset');
    await expect(bob.readNamespace({ name: ns })).rejects.toThrow();
    await core.readNamespace({ name: ns });
    api.faults.heal();
    await bob.readNamespace({ name: ns });
  });

  it('silences a partitioned client watch (hang) and drops it on heal', async () => {
    const w = await watch(bobKc, { labelSelector: 'set=part' });
    await waitFor(() => api.openWatches >= 1);
    const p = api.faults.partition({ user: 'bob' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'p-1', labels: { set: 'part' } } } });
    await new Promise((r) => setTimeout(r, 200));
    expect(w.events).toEqual([]);
    p.remove();
    await w.done;
  });

  it('stops and restarts on the same port keeping state', async () => {
    const before = await core.createNamespacedConfigMap(cm('survivor'));
    const w = await watch(target.kc);
    const port = api.port;
    await api.stop();
    expect(await w.done).toBeTruthy();
    await expect(core.readNamespacedConfigMap({ name: 'survivor', namespace: ns })).rejects.toThrow();
    await api.restart();
    expect(api.port).toBe(port);
    const after = await core.readNamespacedConfigMap({ name: 'survivor', namespace: ns });
    expect(after.metadata?.uid).toBe(before.metadata?.uid);
    const created = await core.createNamespacedConfigMap(cm('post-restart'));
    expect(Number(created.metadata!.resourceVersion)).toBeGreaterThan(Number(before.metadata!.resourceVersion));
  });

  it('opt-in: the first watch on a just-established CRD gets 429 with Retry-After', async () => {
    api.faults.crdWatchWarmup({ seconds: 5, retryAfterSeconds: 1 });
    const group = `warm${randomSuffix()}.test.kube-zen.io`;
    await createCrd(target.kc, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `things.${group}` },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'things', kind: 'Thing' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    const res = await rawRequest(target.kc, 'GET', `/apis/${group}/v1/namespaces/${ns}/things?watch=true&timeoutSeconds=1`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.json()).toMatchObject({ reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 1 } });
    const list = await rawRequest(target.kc, 'GET', `/apis/${group}/v1/namespaces/${ns}/things`);
    expect(list.status).toBe(200);
  });

  it('keeps a request log with counters per verb, resource and user', async () => {
    const since = Date.now();
    await core.listNamespacedConfigMap({ namespace: ns });
    await core.readNamespace({ name: ns });
    await bobKc.makeApiClient(k8s.CoreV1Api).listNamespacedConfigMap({ namespace: ns });
    expect(api.requests.count({ verb: 'list', resource: 'configmaps', since })).toBe(2);
    expect(api.requests.count({ verb: 'list', resource: 'configmaps', user: 'bob', since })).toBe(1);
    expect(api.requests.list({ verb: 'get', resource: 'namespaces', since })[0]).toMatchObject({ name: ns, code: 200, user: 'system:admin' });
    expect(api.requests.counters()['list configmaps bob']).toBeGreaterThanOrEqual(1);
  });
});
