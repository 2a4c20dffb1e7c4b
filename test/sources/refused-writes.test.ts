import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { randomSuffix } from '../kube-api/target.ts';

// An Observation the API server can never take (its namespace does not exist) is dropped,
// counted, and the source goes on: a webhook answers 500 WriteRejected at once, not 503 for
// ever; an informer keeps watching and records what comes next. A real leader against the test
// API server (or ZW_TEST_KUBECONFIG's cluster), whose scope names a namespace nobody created.

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
let ns: string;
const ghost = `zw-ghost-${randomSuffix()}`;

beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 0 });
  ns = cluster.namespace;
  pod = await cluster.add('zw-0', { WATCH_NAMESPACE: `${ns},${ghost}`, DEDUP_WINDOW_SECONDS: '0' });
  await cluster.leader();
}, 60_000);
afterAll(() => cluster?.stop());

const dropped = (source: string) => pod.metric('zen_watcher_events_dropped_total', { source, reason: 'namespace_gone' });
const createsIn = (namespace: string) => cluster.target.api?.requests.count({ verb: 'create', resource: 'observations', namespace });

describe('an Observation whose namespace does not exist', () => {
  it('a webhook answers 500 WriteRejected and counts the drop; the source keeps working', async () => {
    await cluster.applyIngester('hook', { source: 'webhook' });
    await cluster.ingesterReady('hook', 'True', 'Accepted');
    const refused = await pod.post(`/ingest/${ns}/hook`, { message: 'disk full', namespace: ghost });
    expect(refused.status).toBe(500);
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(await refused.json()).toMatchObject({ error: 'WriteRejected', reason: 'namespace_gone' });
    expect(await dropped('webhook')).toBe(1);
    const kept = await pod.post(`/ingest/${ns}/hook`, { message: 'disk full' });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toMatchObject({ received: 1, created: 1 });
  });

  it('an informer drops that finding (counted, not retried) and keeps watching: a later object is recorded', async () => {
    await cluster.applyIngester('cm', { source: 'cm-watch' });
    await cluster.ingesterReady('cm', 'True', 'Accepted');
    const before = createsIn(ghost);
    await cluster.core().createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'lost', labels: { 'zw-test': 'finding' } }, data: { finding: 'lost', namespace: ghost } } });
    await cluster.createFinding('later', 'later');
    const later = await waitFor('the later finding recorded', async () => (await cluster.observations()).find((o) => o.spec.source === 'cm-watch' && o.spec.title === 'later in later'), {
      describe: async () => ({ dropped: await dropped('cm-watch'), logs: pod.logs.slice(-5) }),
    });
    expect(later.metadata.namespace).toBe(ns);
    await waitFor('the drop counted', async () => (await dropped('cm-watch')) === 1 || undefined);
    if (before !== undefined) {
      // A redelivery would come within a second or so (backoff from 500 ms): none comes.
      await new Promise((r) => setTimeout(r, 2000));
      expect(createsIn(ghost)! - before).toBe(1);
    }
  });
});
