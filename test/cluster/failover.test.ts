import { afterEach, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { FAST_ELECTION, ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

// Timings of the election under test (FAST_ELECTION): lease 3 s, renew deadline 2 s, retry 0.5 s.
const LEASE_MS = Number(FAST_ELECTION.LEADER_ELECTION_LEASE_DURATION) * 1000;
const RETRY_MS = Number(FAST_ELECTION.LEADER_ELECTION_RETRY_PERIOD) * 1000;
const DEADLINE_MS = Number(FAST_ELECTION.LEADER_ELECTION_RENEW_DEADLINE) * 1000;

let cluster: ZenCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function withFindings() {
  cluster = await ZenCluster.start({ replicas: 2 });
  await cluster.applyIngester('findings', { source: 'cm-watch' });
  const leader = await cluster.leader();
  await cluster.ingesterReady('findings', 'True');
  await cluster.createFinding('before', 'weak cipher');
  await waitFor('the first finding', async () => (await cluster!.observations()).length === 1);
  return { cluster, leader, follower: cluster.processes.find((p) => p !== leader)! };
}

describe('leader failover', () => {
  it('SIGKILL: the follower leads within lease duration + retry period and catches up on what changed meanwhile, without duplicates', async () => {
    const { cluster, leader, follower } = await withFindings();
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    // Created while nobody leads: only a relist on takeover can see it.
    await cluster.createFinding('during', 'expired cert');
    const newLeader = await cluster.leader(LEASE_MS + 10_000);
    expect(newLeader).toBe(follower);
    const tookOver = Date.now() - killedAt;
    await waitFor('the finding created during the failover', async () => (await cluster.observations()).some((o) => o.spec.title === 'expired cert in during'));
    const obs = await cluster.observations();
    expect(obs.map((o) => o.spec.title).sort()).toEqual(['expired cert in during', 'weak cipher in before']);
    // The relist re-saw "before": it must not be counted again.
    expect(obs.find((o) => o.spec.title.startsWith('weak cipher'))!.status?.count).toBe(1);
    expect(tookOver).toBeLessThan(LEASE_MS + RETRY_MS + 3_000);
    expect(await follower.metric('zenwatcher_failover_duration_seconds_count')).toBe(1);
    expect(newLeader.logged('leadership acquired').length).toBe(1);
  });

  it('SIGTERM: the leader releases the lease and the follower leads in under 2 s', async () => {
    const { cluster, leader, follower } = await withFindings();
    const t0 = Date.now();
    const exit = await leader.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(leader.logged('lease released').length).toBe(1);
    await waitFor('the follower to lead', async () => (await follower.metric('zenwatcher_is_leader')) === 1, { intervalMs: 20 });
    expect(Date.now() - t0).toBeLessThan(2_000);
    await cluster.createFinding('after', 'root user');
    await waitFor('the new leader to observe', async () => (await cluster.observations()).some((o) => o.spec.title === 'root user in after'));
  });

  it.skipIf(fakeOnly('partitions one client: needs the test server'))('a partitioned leader stops leader-only work within its renew deadline, before anyone else leads', async () => {
    const { cluster, leader, follower } = await withFindings();
    const partitionedAt = Date.now();
    cluster.target.api!.faults.partition({ token: cluster.tokenOf(leader) }, 'hang');
    const lost = await waitFor('the partitioned leader to step down', async () => ((await leader.metric('zenwatcher_is_leader')) === 0 ? Date.now() : undefined), { intervalMs: 20 });
    expect(lost - partitionedAt).toBeLessThan(DEADLINE_MS + 1_000);
    expect(leader.logged('leadership lost').length).toBe(1);
    // It stopped before the lease could expire for the follower.
    const followerLeads = await waitFor('the follower to lead', async () => ((await follower.metric('zenwatcher_is_leader')) === 1 ? Date.now() : undefined));
    expect(followerLeads).toBeGreaterThanOrEqual(lost);
    cluster.target.api!.faults.heal();
    // Healed, the old leader stays a follower: one leader only.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await leader.metric('zenwatcher_is_leader')).toBe(0);
    expect(await cluster.leaseHolder()).toBe(follower.name);
  });
});

describe('zero-loss failover for event streams', () => {
  it('replays Events created, bumped and even deleted while nobody led, from the checkpoint on the Lease', async () => {
    cluster = await ZenCluster.start({ replicas: 2 });
    await cluster.applyIngester('warnings', { source: 'k8s-events' });
    const leader = await cluster.leader();
    await cluster.ingesterReady('warnings', 'True');
    const core = cluster.core();
    const ns = cluster.namespace;
    const warning = (name: string, pod: string, reason: string, count: number) => ({
      metadata: { name, namespace: ns },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: ns, uid: `uid-${pod}` },
      reason,
      message: `Back-off restarting failed container app in pod ${pod}`,
      type: 'Warning',
      count,
      firstTimestamp: new Date(),
      lastTimestamp: new Date(),
      source: { component: 'kubelet' },
    });
    await core.createNamespacedEvent({ namespace: ns, body: warning('ev-before', 'web-0', 'BackOff', 1) });
    await waitFor('the first Event as an Observation', async () => (await cluster!.observations()).some((o) => o.spec.resource?.name === 'web-0'));
    // Let a renewal carry the checkpoint past that Event.
    await new Promise((r) => setTimeout(r, 1_200));
    await leader.stop('SIGKILL');
    // While nobody leads: a new Event that is gone again before anyone looks, and a count bump.
    await core.createNamespacedEvent({ namespace: ns, body: warning('ev-transient', 'job-1', 'BackoffLimitExceeded', 1) });
    await core.deleteNamespacedEvent({ name: 'ev-transient', namespace: ns });
    const ev = await core.readNamespacedEvent({ name: 'ev-before', namespace: ns });
    await core.replaceNamespacedEvent({ name: 'ev-before', namespace: ns, body: { ...ev, count: 4 } });
    await cluster.leader(10_000);
    const obs = await waitFor('both findings, the bump included', async () => {
      const all = await cluster!.observations();
      const transient = all.find((o) => o.spec.resource?.name === 'job-1');
      const bumped = all.find((o) => o.spec.resource?.name === 'web-0');
      return transient && bumped?.status?.count === 4 ? all : undefined;
    }, { describe: async () => (await cluster!.observations()).map((o) => [o.spec.resource?.name, o.status?.count]) });
    expect(obs.filter((o) => o.spec.resource?.name === 'web-0')).toHaveLength(1);
  });
});
