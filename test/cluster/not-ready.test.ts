import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

let cluster: ZenCluster;
beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 1 });
  await cluster.applyIngester('hooks', { source: 'webhook' });
  await cluster.ingesterReady('hooks', 'True');
}, 60_000);
afterAll(async () => cluster?.stop());

describe.skipIf(fakeOnly('delays the Ingester list: needs the test server'))('a pod that has not loaded its sources yet', () => {
  it('answers 503 with Retry-After, not 404, until its Ingesters are applied; then 200, and 404 only for paths nobody serves', async () => {
    const api = cluster.target.api!;
    const pod = cluster.processes[0];
    const path = `/ingest/${cluster.namespace}/hooks`;
    // A restarted pod whose first list of Ingesters is slow to come (a busy API server).
    await pod.stop('SIGTERM');
    const slow = api.faults.latency({ match: { resource: 'ingesters', verb: 'list' }, ms: 4000 });
    await pod.start();
    const early = await waitFor('the pod to listen', async () => pod.post(path, { title: 'too early', severity: 'high' }).catch(() => undefined), { intervalMs: 50 });
    expect(early.status).toBe(503);
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await early.json()).toMatchObject({ error: 'NotReady' });
    const unknownEarly = await pod.post(`/ingest/${cluster.namespace}/nobody`, { title: 'x' });
    expect(unknownEarly.status).toBe(503); // it may yet be served: a sender must not give up
    await pod.ready(20_000);
    slow.remove();
    expect((await pod.post(path, { title: 'in time', severity: 'high' })).status).toBe(200);
    expect((await pod.post(`/ingest/${cluster.namespace}/nobody`, { title: 'x' })).status).toBe(404);
  }, 60_000);
});
