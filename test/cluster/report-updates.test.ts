import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { rawRequest } from '../kube-api/raw-client.ts';
import { fakeOnly } from '../kube-api/target.ts';
import { REPORT_CRDS, ensureCrds, type Json } from '../sources/source-fixtures.ts';
import { newVulnerability, observationsIn, ofApp, reportsPath, vulnerabilities, vulnerabilityReport, type ScaleObs } from './trivy-reports.ts';

// A state-like source at report scale, one real leader: the host diffs what a report yields
// against what it recorded, so a rescan costs one request per new finding, and a relist after
// the watch expired (410) reports nothing twice and sees the reports deleted meanwhile. The
// request counts come from the test server's request log.

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
let ns: string;

beforeAll(async () => {
  // No dedup window: a rescan hours later finds none, so a re-sent finding would be a request.
  cluster = await ZenCluster.start({ replicas: 1, env: { DEDUP_WINDOW_SECONDS: '0' } });
  ns = cluster.namespace;
  await Promise.all([ensureCrds(cluster.kc, [REPORT_CRDS.vulnerabilityreports]), cluster.leader().then((p) => (pod = p))]);
  // Every severity, so the fixture's 133 vulnerabilities are 133 findings per copy.
  await cluster.applyIngester('trivy', { source: 'trivy', config: { reports: ['vulnerability'], minSeverity: 'info' } });
  await cluster.ingesterReady('trivy', 'True', 'Accepted');
}, 60_000);
afterAll(async () => cluster?.stop());

async function create(report: Json): Promise<void> {
  const res = await rawRequest(cluster.kc, 'POST', reportsPath(ns), report);
  expect(res.status, res.text).toBe(201);
}

/** Read-modify-write of a report, as the operator rewriting it after a rescan. */
async function rescan(app: string, change: (r: Json) => void): Promise<void> {
  const path = `${reportsPath(ns)}/replicaset-${app}-nginx`;
  const current = (await rawRequest(cluster.kc, 'GET', path)).json();
  change(current);
  current.report.updateTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const res = await rawRequest(cluster.kc, 'PUT', path, current);
  expect(res.status, res.text).toBe(200);
}

/** Waits until `ready` holds for the run's trivy Observations and the pod has no write left. */
async function settle(what: string, ready: (obs: ScaleObs[]) => boolean, timeoutMs = 30_000): Promise<ScaleObs[]> {
  return waitFor(
    what,
    async () => {
      const obs = await observationsIn(cluster.kc, ns);
      return ready(obs) && (await pod.metric('zen_watcher_write_queue_depth')) === 0 ? obs : undefined;
    },
    { timeoutMs, describe: async () => ({ observations: (await observationsIn(cluster.kc, ns)).length, queue: await pod.metric('zen_watcher_write_queue_depth') }) },
  );
}

const userOf = (p: ZenWatcherProcess) => `system:serviceaccount:${ns}:${p.name}`;
/** What the pod asked of the API server about Observations since `since`, by verb and subresource. */
const observationRequests = (since: number) => cluster.target.api!.requests.countBy(['verb', 'subresource'], { user: userOf(pod), resource: 'observations', since });
/** The same, without the reads (lists and watches): what it wrote, or read one by one. */
const observationWrites = (since: number) => Object.fromEntries(Object.entries(observationRequests(since)).filter(([k]) => !k.startsWith('list ') && !k.startsWith('watch ')));

describe.skipIf(fakeOnly("counts requests in the test server's log and injects a compaction"))('a state-like source at report scale', () => {
  it('an update that adds 2 findings to a 500-finding report writes exactly 2 Observations, with one request each', async () => {
    const since = Date.now();
    await create(vulnerabilityReport(ns, 'big', vulnerabilities(500)));
    let obs = await settle('500 Observations of the big report', (o) => ofApp(o, 'big').length === 500);
    // A first sighting is one create, its count read back from the CRD's default: no status write.
    expect(observationWrites(since)).toEqual({ 'create -': 500 });
    expect(obs.every((o) => o.status?.count === 1 && o.status.resolvedAt === undefined)).toBe(true);

    const rescanned = Date.now();
    await rescan('big', (r) => r.report.vulnerabilities.push(newVulnerability('CVE-2026-10001'), newVulnerability('CVE-2026-10002')));
    obs = await settle('the 2 new findings', (o) => ofApp(o, 'big').length === 502);
    // Nothing else was written: no re-create of the 500, no status write, no resolve.
    expect(observationWrites(rescanned)).toEqual({ 'create -': 2 });
    expect(ofApp(obs, 'big').filter((o) => o.spec.title.startsWith('CVE-2026-1000')).map((o) => o.spec.title).sort()).toEqual([
      'CVE-2026-10001 in pkg-cve-2026-10001 1.4.9 (fixed in 1.4.11)',
      'CVE-2026-10002 in pkg-cve-2026-10002 1.4.9 (fixed in 1.4.11)',
    ]);
    expect(obs.every((o) => o.status?.count === 1)).toBe(true);
  }, 60_000);

  it('a relist after 410 reports nothing twice and resolves the findings of a report deleted during the gap', async () => {
    const faults = cluster.target.api!.faults;
    for (const app of ['kept', 'gone', 'grown']) await create(vulnerabilityReport(ns, app, vulnerabilities(20)));
    await settle('the three reports recorded', (o) => ['kept', 'gone', 'grown'].every((a) => ofApp(o, a).length === 20));
    const expiredBefore = (await pod.metric('zenwatcher_source_watch_restarts_total', { source: 'trivy', reason: 'expired' })) + (await pod.metric('zenwatcher_source_watch_restarts_total', { source: 'trivy', reason: 'http_410' }));

    // The leader's report watch hears nothing while: one report is deleted, one gains a
    // finding, a new one appears. Then history is compacted and the watch dropped: resuming
    // from where it was is a 410, and only a relist can tell what happened.
    faults.freezeWatches({ resource: 'vulnerabilityreports' });
    const gap = Date.now();
    const del = await rawRequest(cluster.kc, 'DELETE', `${reportsPath(ns)}/replicaset-gone-nginx`);
    expect(del.status, del.text).toBe(200);
    await rescan('grown', (r) => r.report.vulnerabilities.push(newVulnerability('CVE-2026-20001')));
    await create(vulnerabilityReport(ns, 'late', vulnerabilities(5)));
    faults.compact();
    faults.closeWatches({ resource: 'vulnerabilityreports' });
    faults.unfreezeWatches();

    const obs = await settle('the relist to resolve the deleted report and record the new findings', (o) =>
      ofApp(o, 'gone').every((x) => x.status?.resolvedAt) && ofApp(o, 'grown').length === 21 && ofApp(o, 'late').length === 5,
    );
    const expired = (await pod.metric('zenwatcher_source_watch_restarts_total', { source: 'trivy', reason: 'expired' })) + (await pod.metric('zenwatcher_source_watch_restarts_total', { source: 'trivy', reason: 'http_410' }));
    expect(expired).toBeGreaterThan(expiredBefore);
    // One create per new finding (1 + 5), one status write per resolved one (20): nothing else.
    expect(observationWrites(gap)).toEqual({ 'create -': 6, 'patch status': 20 });
    expect(ofApp(obs, 'gone')).toHaveLength(20);
    for (const app of ['kept', 'grown', 'late', 'big']) expect(ofApp(obs, app).every((o) => o.status?.resolvedAt === undefined), app).toBe(true);
    expect(obs.every((o) => o.status?.count === 1)).toBe(true);
  }, 60_000);
});
