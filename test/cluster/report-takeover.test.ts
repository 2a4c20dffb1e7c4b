import { afterEach, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { rawRequest } from '../kube-api/raw-client.ts';
import { fakeOnly } from '../kube-api/target.ts';
import { REPORT_CRDS, ensureCrds } from '../sources/source-fixtures.ts';
import { FINDINGS_AT_MEDIUM, observationCount, observationsIn, reportsPath, vulnerabilityReport } from './trivy-reports.ts';

// A leader that dies while it holds a state-like source: the follower takes over with a
// catch-up that learns what exists from paged lists of Observations, so it writes only what is
// missing, every Observation keeps its count, and a takeover when nothing changed writes nothing.
// Leader mode (one pod runs every informer); the same catch-up on a partition handed over in the
// default partitioned mode is tested in partitioned.test.ts.

let cluster: ZenCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

const PAGE = 500; // the host's page size for lists

/** Two replicas, `reports` full-size reports in the run's namespace, and the trivy Ingester (default config). */
async function withReports(reports: number) {
  const c = (cluster = await ZenCluster.start({ replicas: 2, env: { INFORMERS_MODE: 'leader' } }));
  await ensureCrds(c.kc, [REPORT_CRDS.vulnerabilityreports]);
  for (let i = 0; i < reports; i++) {
    const res = await rawRequest(c.kc, 'POST', reportsPath(c.namespace), vulnerabilityReport(c.namespace, `app-${i}`));
    expect(res.status, res.text).toBe(201);
  }
  const leader = await c.leader();
  return { c, leader, follower: c.processes.find((p) => p !== leader)!, expected: reports * FINDINGS_AT_MEDIUM };
}

async function everyObservationCounted(c: ZenCluster, expected: number, timeoutMs: number) {
  return waitFor(
    `${expected} Observations, each with its count`,
    async () => {
      const obs = await observationsIn(c.kc, c.namespace);
      return obs.length === expected && obs.every((o) => o.status?.count !== undefined) ? obs : undefined;
    },
    { timeoutMs, intervalMs: 500, describe: async () => ({ observations: await observationCount(c.kc, c.namespace) }) },
  );
}

const userOf = (c: ZenCluster, p: ZenWatcherProcess) => `system:serviceaccount:${c.namespace}:${p.name}`;

describe('takeover of a state-like source', () => {
  it('a leader SIGKILLed mid-sync leaves every Observation with its count once the follower has finished', async () => {
    const { c, leader, follower, expected } = await withReports(20);
    // On the test server, slow the creates so the kill lands mid-sync; a real one is slow enough.
    c.target.api?.faults.latency({ match: { verb: 'create', resource: 'observations' }, ms: 40 });
    await c.applyIngester('trivy', { source: 'trivy', config: { reports: ['vulnerability'] } });
    await waitFor('the sync to be under way', async () => (await observationCount(c.kc, c.namespace)) >= 300, { timeoutMs: 30_000, intervalMs: 20 });
    await leader.stop('SIGKILL');
    const atKill = await observationCount(c.kc, c.namespace);
    expect(atKill, 'the leader died before the sync was over').toBeLessThan(expected);
    c.target.api?.faults.clear();

    expect(await c.leader(20_000)).toBe(follower);
    const obs = await everyObservationCounted(c, expected, 90_000);
    // Counted once: neither the old leader's writes nor the new leader's catch-up counted a finding twice.
    expect(obs.filter((o) => o.status?.count !== 1).map((o) => [o.metadata.name, o.status?.count])).toEqual([]);
    expect(new Set(obs.map((o) => o.spec.dedupKey)).size).toBe(expected);
    if (c.target.api) {
      // The catch-up created only what the old leader had not: no create answered 409.
      const conflicts = c.target.api.requests.list({ user: userOf(c, follower), verb: 'create', resource: 'observations' }).filter((r) => r.code === 409);
      expect(conflicts).toHaveLength(0);
    }
  }, 150_000);

  it.skipIf(fakeOnly("counts requests in the test server's log"))('the new leader’s catch-up issues no create for an existing finding: only paged lists', async () => {
    const { c, leader, follower, expected } = await withReports(10);
    await c.applyIngester('trivy', { source: 'trivy', config: { reports: ['vulnerability'] } });
    await everyObservationCounted(c, expected, 60_000);
    await waitFor('the leader to be done writing', async () => (await leader.metric('zen_watcher_write_queue_depth')) === 0);
    const api = c.target.api!;

    await leader.stop('SIGKILL');
    expect(await c.leader(20_000)).toBe(follower);
    await waitFor('the follower to catch up', () => follower.logged('informer source caught up').length > 0, { timeoutMs: 30_000 });
    await waitFor('the follower to be done writing', async () => (await follower.metric('zen_watcher_write_queue_depth')) === 0);

    const requests = api.requests.countBy(['verb', 'resource', 'subresource', 'labelSelector'], { user: userOf(c, follower), resource: ['observations', 'vulnerabilityreports'] });
    // Nothing changed while nobody led: no create, no status write, no read one by one.
    expect(Object.keys(requests).filter((k) => !k.startsWith('list ') && !k.startsWith('watch '))).toEqual([]);
    // What it learnt, it learnt a page at a time: ⌈Observations / page⌉ lists by source label, one of the reports.
    expect(requests['list observations - zen.kube-zen.io/source=trivy']).toBe(Math.ceil(expected / PAGE));
    expect(requests['list vulnerabilityreports - -']).toBe(1);
    const obs = await observationsIn(c.kc, c.namespace);
    expect(obs).toHaveLength(expected);
    expect(obs.every((o) => o.status?.count === 1 && o.status.resolvedAt === undefined)).toBe(true);
  }, 120_000);
});

describe.skipIf(fakeOnly("counts requests in the test server's log"))('Observations written before the bucket label (an upgrade)', () => {
  it('a partitioned catch-up finds them, labels each once and creates none; the next takeover lists only', async () => {
    const c = (cluster = await ZenCluster.start({ replicas: 1, env: { INFORMERS_MODE: 'partitioned' } }));
    await ensureCrds(c.kc, [REPORT_CRDS.vulnerabilityreports]);
    for (let i = 0; i < 4; i++) expect((await rawRequest(c.kc, 'POST', reportsPath(c.namespace), vulnerabilityReport(c.namespace, `app-${i}`))).status).toBe(201);
    const expected = 4 * FINDINGS_AT_MEDIUM;
    await c.applyIngester('trivy', { source: 'trivy', config: { reports: ['vulnerability'] } });
    const first = await everyObservationCounted(c, expected, 60_000);
    await waitFor('the pod to be done writing', async () => (await c.processes[0].metric('zen_watcher_write_queue_depth')) === 0);
    await c.processes[0].stop('SIGTERM');

    // What an older version left: the same Observations without the bucket label.
    for (const o of first) {
      const res = await rawRequest(c.kc, 'PATCH', `/apis/zen.kube-zen.io/v1alpha1/namespaces/${o.metadata.namespace}/observations/${o.metadata.name}`, { metadata: { labels: { 'zen.kube-zen.io/bucket': null } } }, 'application/merge-patch+json');
      expect(res.status, res.text).toBe(200);
    }
    const api = c.target.api!;
    const observationRequests = (p: ZenWatcherProcess) =>
      api.requests.countBy(['verb', 'subresource'], { user: userOf(c, p), resource: 'observations' });
    const caughtUp = async (p: ZenWatcherProcess) => {
      await waitFor('the catch-up', () => p.logged('informer source caught up').length > 0, { timeoutMs: 30_000 });
      await waitFor('no write left', async () => (await p.metric('zen_watcher_write_queue_depth')) === 0);
    };

    const upgraded = await c.add('zw-1');
    await caughtUp(upgraded);
    await waitFor('every Observation labelled', async () => (await observationsWithBucket(c)) === expected, { timeoutMs: 30_000 });
    // Found by the list of unlabelled ones: labelled (one patch each), never created again.
    const byVerb = observationRequests(upgraded);
    expect(byVerb['create -']).toBeUndefined();
    expect(byVerb['patch -']).toBe(expected);
    await upgraded.stop('SIGTERM');

    const next = await c.add('zw-2');
    await caughtUp(next);
    const again = observationRequests(next);
    expect(Object.keys(again).filter((k) => !k.startsWith('list ') && !k.startsWith('watch '))).toEqual([]);
    expect((await observationsIn(c.kc, c.namespace)).map((o) => o.metadata.uid).sort()).toEqual(first.map((o) => o.metadata.uid).sort());
  }, 120_000);
});

/** How many of the run's trivy Observations carry the bucket label. */
async function observationsWithBucket(c: ZenCluster): Promise<number> {
  const res = await rawRequest(c.kc, 'GET', `/apis/zen.kube-zen.io/v1alpha1/namespaces/${c.namespace}/observations?labelSelector=${encodeURIComponent('zen.kube-zen.io/source=trivy,zen.kube-zen.io/bucket')}`);
  return (res.json() as { items: unknown[] }).items.length;
}
