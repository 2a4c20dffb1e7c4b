import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf, partitionOfBucket } from '../../core/src/cluster/partitions/partitioning.ts';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';

// Active-active informers (informers.mode=partitioned) with several real processes: each
// namespace's findings are written by the one pod owning its partition.
const PARTITIONS = 32;
// Slower than FAST_ELECTION: a loaded CI machine can stall a process for a second or two, and
// 32 Leases per pod must not miss their renew deadline for that (the test asserts none is lost).
const TIMING = { LEADER_ELECTION_LEASE_DURATION: '6', LEADER_ELECTION_RENEW_DEADLINE: '4', LEADER_ELECTION_RETRY_PERIOD: '1' };
const LEASE_MS = Number(TIMING.LEADER_ELECTION_LEASE_DURATION) * 1000;
const DEADLINE_MS = Number(TIMING.LEADER_ELECTION_RENEW_DEADLINE) * 1000;

let cluster: ZenCluster;
const partitionOf = (namespace: string) => partitionOfBucket(bucketOf(namespace, undefined), PARTITIONS);

beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 2, extraNamespaces: 15, env: { INFORMERS_MODE: 'partitioned', INFORMER_PARTITIONS: String(PARTITIONS), ...TIMING } });
  await cluster.applyIngester('findings', { source: 'cm-watch' });
  await cluster.applyIngester('events', { source: 'k8s-events' });
  await cluster.ingesterReady('findings', 'True');
}, 120_000);
afterAll(async () => cluster?.stop());

/** Partition → holder, from the partition Leases (holder set and renewed within the lease). */
async function holders(): Promise<Map<number, string>> {
  const leases = await cluster.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: cluster.namespace, labelSelector: `zen.kube-zen.io/lease-set=${cluster.electionId},zen.kube-zen.io/lease-role=partition` });
  const out = new Map<number, string>();
  for (const l of leases.items) {
    const p = Number(l.metadata!.name!.slice(l.metadata!.name!.lastIndexOf('-p') + 2));
    const renewed = l.spec?.renewTime ? new Date(l.spec.renewTime).getTime() : 0;
    if (l.spec?.holderIdentity && Date.now() - renewed < LEASE_MS) out.set(p, l.spec.holderIdentity);
  }
  return out;
}

async function leaseAges(): Promise<number[]> {
  const leases = await cluster.kc.makeApiClient(k8s.CoordinationV1Api).listNamespacedLease({ namespace: cluster.namespace });
  return leases.items.map((l) => Date.now() - (l.spec?.renewTime ? new Date(l.spec.renewTime).getTime() : 0));
}

const running = () => cluster.processes.filter((p) => p.running);
const ownedBy = (h: Map<number, string>, name: string) => new Set([...h].filter(([, owner]) => owner === name).map(([p]) => p));

/** Waits until every partition is held, each by a running pod, within one of its share. */
async function balanced(): Promise<Map<number, string>> {
  const names = running().map((p) => p.name);
  return waitFor('every partition held, shares within one', async () => {
    const h = await holders();
    if (h.size !== PARTITIONS || [...h.values()].some((owner) => !names.includes(owner))) return undefined;
    const counts = names.map((n) => ownedBy(h, n).size);
    return Math.max(...counts) - Math.min(...counts) <= 1 ? h : undefined;
  }, { timeoutMs: 30_000, describe: async () => ({ holders: Object.fromEntries([...(await holders())]), running: running().map((p) => p.name), logs: running().map((p) => p.logged(/^partitions /).slice(-3).map((l) => `${p.name}: ${l.msg} ${String(l.reason ?? '')} ${JSON.stringify(l.partitions)}`)) }) });
}

const byTitle = async () => new Map((await cluster.observations()).map((o) => [o.spec.title, o]));

describe('partitioned informers across live replicas', () => {
  it('splits the partitions evenly between two pods, then gives a third its share while the others keep the rest', async () => {
    const before = await balanced();
    expect(ownedBy(before, 'zw-0').size).toBe(16);
    // Findings keep landing during the join, in every namespace.
    const writes = cluster.namespaces.map((ns, i) => cluster.createFinding(`before-join-${i}`, `join-${i}`, 'high', ns));
    const joining = cluster.add('zw-2');
    await Promise.all([...writes, joining]);
    const after = await balanced();
    const counts = ['zw-0', 'zw-1', 'zw-2'].map((n) => ownedBy(after, n).size);
    for (const c of counts) expect(c).toBeGreaterThanOrEqual(8), expect(c).toBeLessThanOrEqual(14);
    // The old pods only gave partitions up (to the newcomer); they never stopped the rest.
    for (const n of ['zw-0', 'zw-1']) for (const p of ownedBy(after, n)) expect(before.get(p)).toBe(n);
    for (const n of ['zw-0', 'zw-1']) expect(cluster.processes.find((p) => p.name === n)!.logged('partitions lost')).toEqual([]);
    // Nor did any pod ever lose one on the way (a renewal missed, another holder found).
    expect(running().flatMap((p) => p.logged('partitions lost'))).toEqual([]);
    const landed = await waitFor('every finding of the join', async () => {
      const t = await byTitle();
      return cluster.namespaces.every((_, i) => t.has(`join-${i} in before-join-${i}`)) ? t : undefined;
    }, { timeoutMs: 20_000 });
    expect([...landed.values()].filter((o) => o.spec.title.startsWith('join-') && o.status?.count !== 1)).toEqual([]);
  }, 90_000);

  it.skipIf(fakeOnly("tells the writers apart by the test server's request log"))('has each finding written by the owner of its namespace only, once', async () => {
    const api = cluster.target.api!;
    const h = await balanced();
    const tokens = new Map(running().map((p) => [cluster.tokenOf(p), p.name]));
    const since = Date.now();
    await Promise.all(cluster.namespaces.map((ns, i) => cluster.createFinding(`owned-${i}`, `owned-${i}`, 'high', ns)));
    await waitFor('every owned finding', async () => {
      const t = await byTitle();
      return cluster.namespaces.every((_, i) => t.has(`owned-${i} in owned-${i}`)) || undefined;
    }, { timeoutMs: 20_000 });
    const creates = api.requests.list({ verb: 'create', resource: 'observations', since });
    expect(creates).toHaveLength(cluster.namespaces.length);
    for (const c of creates) expect(tokens.get(c.token)).toBe(h.get(partitionOf(c.namespace)));
  }, 60_000);

  it.skipIf(fakeOnly("counts Lease writes in the test server's request log"))('idle pods write each of their Leases about once per renew interval, not on every Lease change', async () => {
    const api = cluster.target.api!;
    const h = await balanced();
    const since = Date.now();
    const windowMs = 8_000;
    await new Promise((r) => setTimeout(r, windowMs));
    // Renewals every min(lease/3, renew deadline/2) = 2 s: a pod's partition Leases and its membership Lease.
    const renewEveryMs = Math.min(LEASE_MS / 3, DEADLINE_MS / 2);
    for (const p of running()) {
      const leases = ownedBy(h, p.name).size + 1;
      const writes = api.requests.count({ verb: 'update', resource: 'leases', token: cluster.tokenOf(p), since });
      // Woken by every other pod's renewal, the membership Lease used to be written on each wake-up.
      expect(writes, p.name).toBeLessThanOrEqual(Math.ceil(leases * (windowMs / renewEveryMs) * 1.5));
      expect(writes, p.name).toBeGreaterThan(0);
    }
  }, 30_000);

  it('SIGKILL: only the dead pod\'s namespaces pause; it is caught up after the lease, without duplicates, and an Event deleted meanwhile is still recorded', async () => {
    const h = await balanced();
    // The pod owning the most namespaces.
    const victim = running().map((p) => ({ p, n: cluster.namespaces.filter((ns) => h.get(partitionOf(ns)) === p.name).length })).sort((a, b) => b.n - a.n)[0].p;
    const theirs = cluster.namespaces.filter((ns) => h.get(partitionOf(ns)) === victim.name);
    const others = cluster.namespaces.filter((ns) => !theirs.includes(ns));
    expect(theirs.length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500)); // a renewal with the event streams' checkpoints
    await victim.stop('SIGKILL');
    const killedAt = Date.now();
    await Promise.all(cluster.namespaces.map((ns, i) => cluster.createFinding(`gap-${i}`, `gap-${i}`, 'high', ns)));
    // A Warning Event that exists only while nobody owns its namespace.
    const events = cluster.core();
    const gapNs = theirs[0];
    await events.createNamespacedEvent({ namespace: gapNs, body: { metadata: { name: 'gap-event' }, involvedObject: { kind: 'Pod', name: 'gap-pod', namespace: gapNs }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container during the gap', count: 1, firstTimestamp: new Date(), lastTimestamp: new Date() } });
    await events.deleteNamespacedEvent({ namespace: gapNs, name: 'gap-event' });
    // The live pods' namespaces do not wait for the takeover.
    const liveDone = await waitFor('the live pods\' findings', async () => {
      const t = await byTitle();
      return others.every((ns) => t.has(`gap-${cluster.namespaces.indexOf(ns)} in gap-${cluster.namespaces.indexOf(ns)}`)) ? Date.now() : undefined;
    }, { timeoutMs: 20_000, intervalMs: 50 });
    expect(liveDone - killedAt).toBeLessThan(LEASE_MS);
    const allDone = await waitFor('the dead pod\'s findings, after the takeover', async () => {
      const t = await byTitle();
      return cluster.namespaces.every((_, i) => t.has(`gap-${i} in gap-${i}`)) ? Date.now() : undefined;
    }, { timeoutMs: 20_000, intervalMs: 50 });
    expect(allDone - killedAt).toBeLessThan(LEASE_MS + 2000 + 3000);
    const obs = await cluster.observations();
    expect(obs.filter((o) => o.status?.count !== 1).map((o) => o.spec.title)).toEqual([]);
    expect(new Set(obs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).size).toBe(obs.length);
    await waitFor('the Event deleted during the gap, as an Observation', async () => (await cluster.observations()).some((o) => o.spec.source === 'k8s-events' && o.spec.resource?.name === 'gap-pod') || undefined, { timeoutMs: 15_000 });
    await victim.start();
    await victim.ready();
    await balanced();
  }, 120_000);

  it('SIGTERM hands a pod\'s partitions over in under 2 s', async () => {
    const h = await balanced();
    const leaving = running()[0];
    const mine = ownedBy(h, leaving.name);
    const t0 = Date.now();
    await leaving.stop('SIGTERM');
    const done = await waitFor('its partitions held by the others', async () => {
      const now = await holders();
      return [...mine].every((p) => now.get(p) && now.get(p) !== leaving.name) ? Date.now() : undefined;
    }, { timeoutMs: 10_000, intervalMs: 20 });
    expect(done - t0).toBeLessThan(2000);
    await leaving.start();
    await leaving.ready();
  }, 60_000);

  it.skipIf(fakeOnly('cuts one pod off with a test server fault'))('a pod cut off from the API server stops its partitions within the renew deadline, before anyone takes them', async () => {
    const h = await balanced();
    const cut: ZenWatcherProcess = running()[1];
    const mine = ownedBy(h, cut.name);
    const fault = cluster.target.api!.faults.partition({ token: cluster.tokenOf(cut) }, 'hang');
    const cutAt = Date.now();
    const stopped = await waitFor('the cut-off pod to stop its partitions', async () => ((await cut.metric('zenwatcher_partitions_owned')) === 0 ? Date.now() : undefined), { timeoutMs: 10_000, intervalMs: 20 });
    expect(stopped - cutAt).toBeLessThan(DEADLINE_MS + 1000);
    const taken = await waitFor('its partitions taken by the others', async () => {
      const now = await holders();
      return [...mine].every((p) => now.get(p) && now.get(p) !== cut.name) ? Date.now() : undefined;
    }, { timeoutMs: 15_000, intervalMs: 20 });
    expect(taken).toBeGreaterThan(stopped);
    expect(cut.logged('partitions lost').length).toBeGreaterThan(0);
    fault.remove();
    await balanced();
  }, 60_000);
});
