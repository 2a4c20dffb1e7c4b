import type { Observation, SourceEvent } from '@zen-watcher/sdk';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigAs } from '../../../test/harness/api-users.ts';
import { installCrds } from '../../../test/harness/cluster.ts';
import { fakeOnly, randomSuffix, testTarget, waitFor, type TestTarget } from '../../../test/kube-api/index.ts';
import { KubeHttp } from '../kube/kube-http.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import type { CountChange } from '../pipeline/count-change.js';
import { toObservation } from '../pipeline/normalize.js';
import type { WriteOptions } from '../pipeline/ports.js';
import { ObservationWriter, type WriterOptions } from './observation-writer.js';

// The writer's create/409/merge arithmetic and its outcomes, against the test API server (or
// ZW_TEST_KUBECONFIG's cluster) with the chart's Observation CRD. Each writer authenticates as
// a user of its own, so the request log shows exactly what it sent.

let target: TestTarget;
let admin: KubeHttp;
let ns: string;
const writers: ObservationWriter[] = [];

beforeAll(async () => {
  target = await testTarget({ namespacePrefix: 'zw-writer' });
  await installCrds(target.kc);
  admin = new KubeHttp(target.kc, { qps: 1000, burst: 1000 });
  ns = target.namespace;
});
afterEach(async () => {
  target.api?.faults.clear();
  await Promise.all(writers.splice(0).map((w) => w.close()));
});
afterAll(() => target?.cleanup());

const BACKGROUND: WriteOptions = { priority: 'background' };
const SEEN = '2026-11-26T06:00:00.000Z';
const add = (n: number, lastSeenAt = SEEN): CountChange => ({ add: n, lastSeenAt });

interface Writer {
  writer: ObservationWriter;
  user: string;
  metrics: ReturnType<typeof createHostMetrics>;
  /** What this writer sent, `verb resource subresource` → requests (test server only). */
  requests(since?: number): Record<string, number>;
}

function writerAs(user = `writer-${randomSuffix()}`, options: Partial<WriterOptions> = {}): Writer {
  const metrics = createHostMetrics({ defaultMetrics: false });
  const writer = new ObservationWriter(new KubeHttp(kubeconfigAs(target, user), { qps: 1000, burst: 1000 }), { queueSize: 100, concurrency: 4, ...options }, metrics, pino({ level: 'silent' }));
  writers.push(writer);
  return { writer, user, metrics, requests: (since) => target.api!.requests.countBy(['verb', 'resource', 'subresource'], { user, since }) };
}

/** A new finding's Observation, as the pipeline builds it. */
function observation(namespace = ns, overrides: Partial<SourceEvent> = {}): Observation {
  const key = `finding-${randomSuffix()}`;
  const event = { severity: 'high', category: 'security', eventType: 'unit_test', title: key, detectedAt: SEEN, dedupKey: key, ...overrides } as SourceEvent;
  return toObservation(event, key, { source: 'unit', defaultNamespace: namespace, scope: [], ttlSecondsAfterCreation: 3600, receivedAt: SEEN });
}

async function stored(obs: Observation): Promise<Observation> {
  return admin.request<Observation>({ method: 'GET', path: `/apis/zen.kube-zen.io/v1alpha1/namespaces/${obs.metadata.namespace}/observations/${obs.metadata.name}` });
}

describe('ObservationWriter: counts', () => {
  it('creates a new Observation; its status reads back as count 1', async () => {
    const { writer } = writerAs();
    const obs = observation();
    expect(await writer.upsert(obs, add(1), BACKGROUND)).toEqual({ kind: 'created' });
    const o = await stored(obs);
    expect(o.spec).toMatchObject({ source: 'unit', title: obs.spec.title, severity: 'high' });
    expect(o.status?.count).toBe(1);
  });

  it.skipIf(fakeOnly('reads the request log'))('a first sighting costs exactly one request: the create', async () => {
    const w = writerAs();
    await w.writer.upsert(observation(), add(1), BACKGROUND);
    expect(w.requests()).toEqual({ 'create observations -': 1 });
  });

  it('a create carrying repeats (folded from one batch) writes their count and time with the status', async () => {
    const w = writerAs();
    const obs = observation();
    expect(await w.writer.upsert(obs, add(3, '2026-11-26T06:05:00.000Z'), BACKGROUND)).toEqual({ kind: 'created' });
    expect((await stored(obs)).status).toMatchObject({ count: 3, lastSeenAt: '2026-11-26T06:05:00.000Z' });
    if (target.api) expect(w.requests()).toEqual({ 'create observations -': 1, 'patch observations status': 1 });
  });

  it('a create of one that exists merges into it: the counts add up', async () => {
    const { writer } = writerAs();
    const obs = observation();
    await writer.upsert(obs, add(1), BACKGROUND);
    expect(await writer.upsert(obs, add(1), BACKGROUND)).toEqual({ kind: 'merged' });
    expect(await writer.upsert(obs, add(2, '2026-11-26T07:00:00.000Z'), BACKGROUND)).toEqual({ kind: 'merged' });
    expect((await stored(obs)).status).toMatchObject({ count: 4, lastSeenAt: '2026-11-26T07:00:00.000Z' });
  });

  it.skipIf(fakeOnly('delays one client'))('a merge racing our create (409 on our status write) keeps both: only the rest of ours is added', async () => {
    const a = writerAs();
    const b = writerAs();
    const obs = observation();
    // a's status write (its create carries 3) is held back until b has merged one more in.
    target.api!.faults.latency({ match: { user: a.user, verb: 'patch', subresource: 'status' }, ms: 700 });
    const first = a.writer.upsert(obs, add(3), BACKGROUND);
    await waitFor(() => (target.api!.requests.count({ user: a.user, verb: 'create' }) === 1 ? stored(obs) : undefined));
    expect(await b.writer.upsert(obs, add(1), BACKGROUND)).toEqual({ kind: 'merged' });
    expect(await first).toEqual({ kind: 'created' });
    // b counted a's Observation as one and added its own: a adds its other two.
    expect((await stored(obs)).status?.count).toBe(4);
    expect(target.api!.requests.list({ user: a.user, verb: 'patch' }).map((r) => r.code)).toEqual([409, 200]);
  });

  it('a count the source keeps itself (atLeast) raises the count, never lowers it', async () => {
    const { writer } = writerAs();
    const obs = observation();
    const atLeast = (n: number): CountChange => ({ add: 0, atLeast: n, lastSeenAt: SEEN });
    expect(await writer.upsert(obs, atLeast(5), BACKGROUND)).toEqual({ kind: 'created' });
    expect((await stored(obs)).status?.count).toBe(5);
    expect(await writer.upsert(obs, atLeast(3), BACKGROUND)).toEqual({ kind: 'merged' });
    expect((await stored(obs)).status?.count).toBe(5);
    await writer.upsert(obs, atLeast(9), BACKGROUND);
    expect((await stored(obs)).status?.count).toBe(9);
  });

  it('a relist re-sighting (no count change) of one that exists writes nothing', async () => {
    const w = writerAs();
    const obs = observation();
    await w.writer.upsert(obs, add(2, '2026-11-26T06:05:00.000Z'), BACKGROUND);
    const before = await stored(obs);
    const since = Date.now();
    expect(await w.writer.upsert(obs, { add: 0, lastSeenAt: '2026-11-26T09:00:00.000Z' }, BACKGROUND)).toEqual({ kind: 'merged' });
    const after = await stored(obs);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.status).toEqual(before.status);
    if (target.api) expect(w.requests(since)).toEqual({ 'create observations -': 1 });
  });

  it('a resolved Observation seen again is open again, and counted', async () => {
    const { writer } = writerAs();
    const obs = observation();
    await writer.upsert(obs, add(1), BACKGROUND);
    expect(await writer.resolve(obs.metadata.namespace, obs.metadata.name, 'unit')).toEqual({ kind: 'merged' });
    expect((await stored(obs)).status?.resolvedAt).toBeDefined();
    expect(await writer.upsert(obs, add(1), BACKGROUND)).toEqual({ kind: 'merged' });
    const o = await stored(obs);
    expect(o.status?.resolvedAt).toBeUndefined();
    expect(o.status?.count).toBe(2);
  });

  it('writes counts the dedup cache absorbed, and drops (counted) one whose Observation was deleted', async () => {
    const w = writerAs();
    const kept = observation();
    const gone = observation();
    await w.writer.upsert(kept, add(1), BACKGROUND);
    const failed = await w.writer.addCounts([
      { namespace: ns, name: kept.metadata.name, source: 'unit', change: add(4) },
      { namespace: ns, name: gone.metadata.name, source: 'unit', change: add(2) },
    ]);
    expect(failed).toEqual([]);
    expect((await stored(kept)).status?.count).toBe(5);
    expect((await w.metrics.dropped.get()).values).toEqual([expect.objectContaining({ labels: { source: 'unit', reason: 'observation_gone' }, value: 1 })]);
  });
});

describe('ObservationWriter: outcomes', () => {
  it.skipIf(fakeOnly('delays one client'))('refuses a live write when its queue is full (retry after a second); background writes wait instead', async () => {
    const w = writerAs(undefined, { queueSize: 1, concurrency: 1 });
    target.api!.faults.latency({ match: { user: w.user, verb: 'create' }, ms: 500 });
    const first = w.writer.upsert(observation(), add(1), { priority: 'live' });
    expect(await w.writer.upsert(observation(), add(1), { priority: 'live' })).toMatchObject({ kind: 'retryAfter', reason: 'queue_full', seconds: 1 });
    const background = w.writer.upsert(observation(), add(1), BACKGROUND);
    expect(await first).toEqual({ kind: 'created' });
    expect(await background).toEqual({ kind: 'created' });
  });

  it.skipIf(fakeOnly('injects API faults'))('a live write still failing at its deadline is retryAfter timeout, with the wait the API server asked for', async () => {
    const w = writerAs();
    target.api!.faults.fail({ match: { user: w.user, verb: 'create' }, status: 503, retryAfterSeconds: 4 });
    expect(await w.writer.upsert(observation(), add(1), { priority: 'live', deadline: performance.now() + 1000 })).toMatchObject({ kind: 'retryAfter', reason: 'timeout', seconds: 4 });
    target.api!.faults.clear();
    target.api!.faults.fail({ match: { user: w.user, verb: 'create' }, status: 500 });
    expect(await w.writer.upsert(observation(), add(1), { priority: 'live', deadline: performance.now() + 600 })).toMatchObject({ kind: 'retryAfter', reason: 'timeout' });
    expect(target.api!.requests.count({ user: w.user, verb: 'create' })).toBeGreaterThan(2);
  });

  it('a namespace that does not exist is a refusal (namespace_gone), not retried', async () => {
    const w = writerAs();
    const outcome = await w.writer.upsert(observation(`zw-missing-${randomSuffix()}`), add(1), BACKGROUND);
    expect(outcome).toMatchObject({ kind: 'rejected', reason: 'namespace_gone' });
    if (target.api) expect(w.requests()).toEqual({ 'create observations -': 1 });
  });

  it('a namespace being deleted is a refusal (namespace_gone)', async () => {
    const doomed = `zw-doomed-${randomSuffix()}`;
    const hold = `/api/v1/namespaces/${doomed}/configmaps/hold`;
    await admin.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: doomed } } });
    // A finalizer on its content keeps the namespace Terminating.
    await admin.request({ method: 'POST', path: `/api/v1/namespaces/${doomed}/configmaps`, body: { metadata: { name: 'hold', finalizers: ['zen-watcher.test/hold'] } } });
    await admin.request({ method: 'DELETE', path: `/api/v1/namespaces/${doomed}` });
    try {
      await waitFor(async () => ((await admin.request<{ status: { phase: string } }>({ method: 'GET', path: `/api/v1/namespaces/${doomed}` })).status.phase === 'Terminating'));
      const { writer } = writerAs();
      expect(await writer.upsert(observation(doomed), add(1), BACKGROUND)).toMatchObject({ kind: 'rejected', reason: 'namespace_gone' });
    } finally {
      await admin.request({ method: 'PATCH', path: hold, body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' }).catch(() => undefined);
    }
  });

  it('an Observation the API server finds invalid (422) is a refusal (write_rejected)', async () => {
    const { writer } = writerAs();
    const invalid = observation(ns, { severity: 'catastrophic' as SourceEvent['severity'] });
    expect(await writer.upsert(invalid, add(1), BACKGROUND)).toMatchObject({ kind: 'rejected', reason: 'write_rejected', message: expect.stringContaining('422') });
  });

  it.skipIf(fakeOnly('injects API faults'))('waits out the Retry-After of a 429 before trying again', async () => {
    const w = writerAs();
    target.api!.faults.fail({ match: { user: w.user, verb: 'create' }, status: 429, retryAfterSeconds: 1, times: 1 });
    expect(await w.writer.upsert(observation(), add(1), BACKGROUND)).toEqual({ kind: 'created' });
    const [refused, accepted] = target.api!.requests.list({ user: w.user, verb: 'create' });
    expect([refused.code, accepted.code]).toEqual([429, 201]);
    expect(accepted.time - refused.time).toBeGreaterThanOrEqual(1000);
    expect((await w.metrics.writeErrors.get()).values).toEqual([expect.objectContaining({ labels: { reason: 'http_429' }, value: 1 })]);
  });

  it.skipIf(fakeOnly('injects API faults'))('a background write is retried until its source stops, then answers shutting_down', async () => {
    const w = writerAs();
    target.api!.faults.fail({ match: { user: w.user, verb: 'create' }, status: 503 });
    const stop = new AbortController();
    const outcome = w.writer.upsert(observation(), add(1), { priority: 'background', signal: stop.signal });
    await waitFor(() => target.api!.requests.count({ user: w.user, verb: 'create' }) >= 3);
    stop.abort();
    expect(await outcome).toMatchObject({ kind: 'retryAfter', reason: 'shutting_down' });
  });

  it('a closed writer takes no more writes', async () => {
    const { writer } = writerAs();
    await writer.close();
    expect(await writer.upsert(observation(), add(1), { priority: 'live' })).toMatchObject({ kind: 'retryAfter', reason: 'shutting_down' });
  });
});
