import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

// Two real replicas against one API server: the behaviour the HA guide promises for webhooks and
// informers, and what v1 did not do (webhooks that 404 on followers, per-pod dedup).
let cluster: ZenCluster;
beforeAll(async () => {
  // Leader mode: informer sources on the leader only (partitioned mode is test/cluster/partitioned.test.ts).
  cluster = await ZenCluster.start({ replicas: 2, env: { INFORMERS_MODE: 'leader' } });
  await cluster.leader();
}, 60_000);
afterAll(async () => cluster?.stop());

const alert = (pod: string) => ({
  rule: 'Terminal shell in container',
  priority: 'Critical',
  time: '2026-11-26T06:00:00.000000000Z',
  output: `A shell was spawned (k8s.pod=${pod})`,
  output_fields: { 'k8s.pod.name': pod, 'k8s.ns.name': 'shop', 'container.name': 'web', 'proc.cmdline': 'sh' },
});

describe('two replicas', () => {
  it('serves an Ingester webhook on both pods; each POST produces an Observation', async () => {
    await cluster.applyIngester('falco', { source: 'falco' });
    await cluster.ingesterReady('falco', 'True', 'Accepted');
    const [a, b] = cluster.processes;
    const path = `/ingest/${cluster.namespace}/falco`;
    await waitFor('both pods to route the Ingester', async () => {
      const ra = await a.post(path, alert('probe-a'));
      const rb = await b.post(path, alert('probe-b'));
      return ra.status === 200 && rb.status === 200;
    });
    const names = (await cluster.observations()).map((o) => o.spec.resource?.name);
    expect(names).toEqual(expect.arrayContaining(['probe-a', 'probe-b']));
  });

  it('makes one Observation with count 2 of the same event posted to both pods', async () => {
    const [a, b] = cluster.processes;
    const path = `/ingest/${cluster.namespace}/falco`;
    const ra = await a.post(path, alert('same-pod'));
    const rb = await b.post(path, alert('same-pod'));
    expect([ra.status, rb.status]).toEqual([200, 200]);
    const obs = await waitFor('one Observation with count 2', async () => {
      const matching = (await cluster.observations()).filter((o) => o.spec.resource?.name === 'same-pod');
      return matching.length === 1 && matching[0].status?.count === 2 ? matching : undefined;
    }, { describe: async () => (await cluster.observations()).filter((o) => o.spec.resource?.name === 'same-pod').map((o) => [o.metadata.name, o.status]) });
    expect(obs).toHaveLength(1);
  });

  it.skipIf(fakeOnly('slows one client down: needs the test server'))('keeps both counts when a merge lands between the other pod\'s create and its status write', async () => {
    const [a, b] = cluster.processes;
    const path = `/ingest/${cluster.namespace}/falco`;
    const slow = cluster.target.api!.faults.latency({ match: { verb: 'patch', subresource: 'status', token: cluster.tokenOf(a) }, ms: 500 });
    try {
      const first = a.post(path, alert('racy-pod'));
      await new Promise((r) => setTimeout(r, 150));
      const second = await b.post(path, alert('racy-pod'));
      expect([(await first).status, second.status]).toEqual([200, 200]);
    } finally {
      slow.remove();
    }
    await waitFor('one Observation with count 2', async () => {
      const matching = (await cluster.observations()).filter((o) => o.spec.resource?.name === 'racy-pod');
      return matching.length === 1 && matching[0].status?.count === 2;
    }, { describe: async () => (await cluster.observations()).filter((o) => o.spec.resource?.name === 'racy-pod').map((o) => o.status) });
  });

  it('runs informer sources on the leader only', async () => {
    await cluster.applyIngester('findings', { source: 'cm-watch' });
    await cluster.ingesterReady('findings', 'True', 'Accepted');
    await cluster.createFinding('cm-1', 'open port');
    await waitFor('the finding to become an Observation', async () => (await cluster.observations()).some((o) => o.spec.title === 'open port in cm-1'));
    const leader = await cluster.leader();
    const follower = cluster.processes.find((p) => p !== leader)!;
    expect(leader.logged('informer watching').some((l) => String(l.gvr).endsWith('/configmaps'))).toBe(true);
    expect(follower.logged('informer watching').filter((l) => String(l.gvr).endsWith('/configmaps'))).toEqual([]);
    expect(await follower.metric('zenwatcher_is_leader')).toBe(0);
  });
});
