import { afterEach, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

// What the host does when the API server misbehaves, with a real process: a watch that goes
// silent, a resourceVersion that expired, a write queue that fills up, Observations that expire.
let cluster: ZenCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const restarts = (p: { metric: (n: string, l?: Record<string, string>) => Promise<number> }, reason: string) =>
  p.metric('zenwatcher_source_watch_restarts_total', { source: 'cm-watch', reason });

describe.skipIf(fakeOnly('injects API server faults: needs the test server'))('informer recovery', () => {
  it('restarts a watch that went silent, and a watch whose resourceVersion expired relists without losing anything', async () => {
    cluster = await ZenCluster.start({ replicas: 1, env: { WATCH_STALL_SECONDS: '1' } });
    const pod = await cluster.leader();
    await cluster.applyIngester('findings', { source: 'cm-watch' });
    await cluster.ingesterReady('findings', 'True');
    const api = cluster.target.api!;

    // Frozen: connected, nothing sent, not even bookmarks.
    api.faults.freezeWatches({ resource: 'configmaps' });
    await waitFor('a stalled-watch restart', async () => (await restarts(pod, 'stalled')) >= 1, { timeoutMs: 10_000 });
    api.faults.unfreezeWatches();
    await cluster.createFinding('after-stall', 'stale cert');
    await waitFor('the finding made after the stall', async () => (await cluster!.observations()).some((o) => o.spec.title === 'stale cert in after-stall'));

    // Expired: history compacted while the watch is down, so resuming gets 410 and must relist.
    api.faults.compact();
    api.faults.closeWatches({ resource: 'configmaps' }, { abrupt: true });
    await cluster.createFinding('after-compaction', 'weak key');
    await waitFor('the finding made while the watch was down', async () => (await cluster!.observations()).some((o) => o.spec.title === 'weak key in after-compaction'), { timeoutMs: 15_000 });
    // It went through a 410 (not just a reconnect), and the relist did not count old findings again.
    expect((await restarts(pod, 'expired')) + (await restarts(pod, 'http_410'))).toBeGreaterThanOrEqual(1);
    expect((await cluster.observations()).filter((o) => o.spec.title === 'stale cert in after-stall')[0].status?.count).toBe(1);
  });
});

describe.skipIf(fakeOnly('slows the API server down: needs the test server'))('backpressure and GC', () => {
  it('answers 429 with Retry-After when the write queue is full, and writes everything it accepted', async () => {
    cluster = await ZenCluster.start({ replicas: 1, env: { WRITE_QUEUE_SIZE: '2', WRITE_CONCURRENCY: '1' } });
    const pod = await cluster.leader();
    await cluster.applyIngester('hooks', { source: 'webhook' });
    await cluster.ingesterReady('hooks', 'True');
    const path = `/ingest/${cluster.namespace}/hooks`;
    await waitFor('the route', async () => (await pod.post(path, { title: 'warm-up' })).status === 200);
    const slow = cluster.target.api!.faults.latency({ match: { resource: 'observations', verb: 'create' }, ms: 300 });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => pod.post(path, { title: `burst ${i}` }).then((r) => ({ title: `burst ${i}`, status: r.status, retryAfter: r.headers.get('retry-after') }))));
    slow.remove();
    const refused = answers.filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((a) => Number(a.retryAfter) >= 1)).toBe(true);
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.title);
    expect(accepted.length).toBeGreaterThan(0);
    const titles = new Set((await cluster.observations()).map((o) => o.spec.title));
    expect(accepted.filter((t) => !titles.has(t))).toEqual([]);
  });

  it('a write the API server refuses for good is answered 500 (no retry invited), and does not block an informer', async () => {
    cluster = await ZenCluster.start({ replicas: 1 });
    const pod = await cluster.leader();
    await cluster.applyIngester('hooks', { source: 'webhook' });
    await cluster.applyIngester('findings', { source: 'cm-watch' });
    await cluster.ingesterReady('hooks', 'True');
    await cluster.ingesterReady('findings', 'True');
    const path = `/ingest/${cluster.namespace}/hooks`;
    await waitFor('the route', async () => (await pod.post(path, { title: 'warm-up' })).status === 200);
    // An admission webhook saying no, say.
    const refuse = cluster.target.api!.faults.fail({ match: { resource: 'observations', verb: 'create' }, status: 403, message: 'denied by policy' });
    const res = await pod.post(path, { title: 'refused' });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: 'WriteRejected' });
    await cluster.createFinding('refused-cm', 'blocked');
    await waitFor('the refused informer event to be counted', async () => (await pod.metric('zen_watcher_events_dropped_total', { source: 'cm-watch', reason: 'write_rejected' })) >= 1);
    refuse.remove();
    // The watch went on: the next finding lands.
    await cluster.createFinding('after-refusal', 'next one');
    await waitFor('the next finding', async () => (await cluster!.observations()).some((o) => o.spec.title === 'next one in after-refusal'));
    expect(await pod.metric('zen_watcher_events_dropped_total', { source: 'webhook', reason: 'write_rejected' })).toBe(1);
  });

  it('the leader deletes Observations past their TTL and counts them', async () => {
    cluster = await ZenCluster.start({ replicas: 1, env: { OBSERVATION_TTL_SECONDS: '1', GC_INTERVAL: '1' } });
    const pod = await cluster.leader();
    await cluster.applyIngester('hooks', { source: 'webhook' });
    await cluster.ingesterReady('hooks', 'True');
    const path = `/ingest/${cluster.namespace}/hooks`;
    await waitFor('an Observation', async () => (await pod.post(path, { title: 'short-lived' })).status === 200 && (await cluster!.observations()).length > 0);
    await waitFor('GC to delete it', async () => (await cluster!.observations()).length === 0, { timeoutMs: 10_000 });
    expect(await pod.metric('zen_watcher_gc_deleted_total')).toBeGreaterThanOrEqual(1);
  });
});
