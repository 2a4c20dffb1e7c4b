import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 1 });
  pod = await cluster.leader();
  await cluster.applyIngester('hooks', { source: 'webhook' });
  await cluster.ingesterReady('hooks', 'True');
}, 60_000);
afterAll(async () => cluster?.stop());

describe.skipIf(fakeOnly('injects API server faults: needs the test server'))('an API server that throttles and fails', () => {
  it('loses nothing it acknowledged: every 2xx lands once the server recovers', async () => {
    const faults = cluster.target.api!.faults;
    const path = `/ingest/${cluster.namespace}/hooks`;
    await waitFor('the route', async () => (await pod.post(path, { title: 'warm-up' })).status === 200);
    const throttle = faults.fail({ match: { resource: 'observations' }, status: 429, retryAfterSeconds: 1, times: 30 });
    const flaky = faults.fail({ match: { resource: 'observations' }, status: 500, fraction: 0.5 });
    const sent = Array.from({ length: 40 }, (_, i) => `finding-${i}`);
    const answers = await Promise.all(sent.map((title) => pod.post(path, { title, severity: 'high' }).then((r) => ({ title, status: r.status }))));
    flaky.remove();
    expect(throttle.hits).toBeGreaterThan(0);
    expect(flaky.hits).toBeGreaterThan(0);
    const acked = answers.filter((a) => a.status === 200).map((a) => a.title);
    // Anything not acknowledged was refused with a status that tells the sender to retry.
    for (const a of answers.filter((a) => a.status !== 200)) expect([429, 503]).toContain(a.status);
    expect(acked.length).toBeGreaterThan(0);
    const landed = await waitFor('every acknowledged event to be an Observation', async () => {
      const titles = new Set((await cluster.observations()).map((o) => o.spec.title));
      return acked.every((t) => titles.has(t)) ? titles : undefined;
    }, { timeoutMs: 30_000 });
    expect(acked.filter((t) => !landed.has(t))).toEqual([]);
    expect(await pod.metric('zen_watcher_write_errors_total')).toBeGreaterThan(0);
    // Each finding is one Observation, counted once, retries notwithstanding.
    const obs = (await cluster.observations()).filter((o) => acked.includes(o.spec.title));
    expect(obs.every((o) => o.status?.count === 1)).toBe(true);
  }, 60_000);
});
