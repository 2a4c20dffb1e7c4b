import { afterEach, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import { rawRequest } from '../kube-api/raw-client.ts';
import { fakeOnly } from '../kube-api/target.ts';
import { REPORT_CRDS, ensureCrds, type Json } from '../sources/source-fixtures.ts';
import { observationsIn, reportsPath, vulnerabilitiesAtMedium, vulnerabilityReport, type ScaleObs } from './trivy-reports.ts';

// Observation GC for a state-like source: a vulnerability still listed in its report is not
// collected however old its Observation is; once the report drops it (status.resolvedAt), it
// is collected ttlSecondsAfterCreation after that. Short TTL and GC interval, one real leader.

const TTL_SECONDS = 2;

let cluster: ZenCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A leader sweeping every second, a trivy Ingester with a 2 s TTL, a report with two findings. */
async function twoFindings() {
  const c = (cluster = await ZenCluster.start({ replicas: 1, env: { GC_INTERVAL: '1' } }));
  await ensureCrds(c.kc, [REPORT_CRDS.vulnerabilityreports]);
  await c.leader();
  await c.applyIngester('trivy', { source: 'trivy', ttlSecondsAfterCreation: TTL_SECONDS, config: { reports: ['vulnerability'] } });
  await c.ingesterReady('trivy', 'True', 'Accepted');
  // Two real entries at or above the default minSeverity; the first stays, the second is fixed.
  const [kept, fixed] = vulnerabilitiesAtMedium(2);
  const res = await rawRequest(c.kc, 'POST', reportsPath(c.namespace), vulnerabilityReport(c.namespace, 'web', [kept, fixed]));
  expect(res.status, res.text).toBe(201);
  const [stays, dropped] = (await waitFor('both findings recorded', async () => {
    const obs = await observationsIn(c.kc, c.namespace);
    return obs.length === 2 ? obs : undefined;
  })).sort((a, b) => Number(b.spec.title.startsWith(`${kept.vulnerabilityID} `)) - Number(a.spec.title.startsWith(`${kept.vulnerabilityID} `)));
  expect(stays.spec.title.startsWith(`${kept.vulnerabilityID} `)).toBe(true);
  expect(dropped.spec.title.startsWith(`${fixed.vulnerabilityID} `)).toBe(true);
  // Let both outlive their TTL counted from creation, with sweeps in between.
  const created = Math.max(...[stays, dropped].map((o) => Date.parse(o.metadata.creationTimestamp!)));
  await new Promise((r) => setTimeout(r, Math.max(0, created + (TTL_SECONDS + 3) * 1000 - Date.now())));
  return { c, stays, dropped, fixedId: fixed.vulnerabilityID as string };
}

/** The operator rescans and the vulnerability is fixed: the report no longer lists it. */
async function fix(c: ZenCluster, vulnerabilityID: string): Promise<void> {
  const path = `${reportsPath(c.namespace)}/replicaset-web-nginx`;
  const report = (await rawRequest(c.kc, 'GET', path)).json() as Json;
  report.report.vulnerabilities = report.report.vulnerabilities.filter((v: Json) => v.vulnerabilityID !== vulnerabilityID);
  const res = await rawRequest(c.kc, 'PUT', path, report);
  expect(res.status, res.text).toBe(200);
}

const byName = (obs: ScaleObs[], o: ScaleObs) => obs.find((x) => x.metadata.name === o.metadata.name);

describe('TTL of a state-like finding', () => {
  it('a finding still in its report outlives its TTL; one its report dropped is collected', async () => {
    const { c, stays, dropped, fixedId } = await twoFindings();
    // Past their TTL from creation, with sweeps since: both still there, neither resolved.
    let obs = await observationsIn(c.kc, c.namespace);
    expect(obs.map((o) => [o.metadata.name, o.status?.resolvedAt])).toEqual(expect.arrayContaining([[stays.metadata.name, undefined], [dropped.metadata.name, undefined]]));

    await fix(c, fixedId);
    obs = await waitFor('the dropped finding to be collected', async () => {
      const now = await observationsIn(c.kc, c.namespace);
      return byName(now, dropped) ? undefined : now;
    }, { timeoutMs: 20_000 });
    // The sweep that collected it came after the kept one's TTL from creation, and kept it.
    expect(byName(obs, stays)?.metadata.uid).toBe(stays.metadata.uid);
    expect(byName(obs, stays)?.status?.resolvedAt).toBeUndefined();
  }, 60_000);

  it.skipIf(fakeOnly("reads when GC deleted from the test server's log"))('the TTL of a dropped finding runs from its resolution, not from its creation', async () => {
    const { c, dropped, fixedId } = await twoFindings();
    await fix(c, fixedId);
    const resolvedAt = await waitFor('the dropped finding resolved', async () => byName(await observationsIn(c.kc, c.namespace), dropped)?.status?.resolvedAt);
    await waitFor('the dropped finding to be collected', async () => !byName(await observationsIn(c.kc, c.namespace), dropped), { timeoutMs: 20_000 });
    const [deletion] = c.target.api!.requests.list({ verb: 'delete', resource: 'observations', name: dropped.metadata.name });
    // Its creation TTL had long run out; GC waited for the TTL counted from the resolution.
    expect(Date.parse(dropped.metadata.creationTimestamp!) + (TTL_SECONDS + 1) * 1000).toBeLessThan(Date.parse(resolvedAt));
    expect(deletion.time).toBeGreaterThanOrEqual(Date.parse(resolvedAt) + TTL_SECONDS * 1000);
    expect(c.target.api!.requests.count({ verb: 'delete', resource: 'observations' })).toBe(1);
  }, 60_000);
});
