import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { byTitle, fixtureJson, fixtureText, observationsOf, summary, waitForObservations, type Obs } from './source-fixtures.ts';

// The webhook sources end to end in cluster mode: a real process, Ingesters in the API server,
// the plugins' real fixture payloads POSTed to /ingest/<namespace>/<ingester>, and the
// Observations read back from the API server.

/** The Alertmanager config of plugins/webhook/README.md (auth left out: the Ingester tests cover it). */
const ALERTMANAGER = {
  itemsPath: 'alerts',
  title: '{{labels.alertname}} on {{labels.instance|labels.pod}}',
  description: '{{annotations.summary|annotations.description}}',
  severityPath: 'labels.severity',
  severityMap: { page: 'critical', warning: 'medium' },
  eventTypePath: 'labels.alertname',
  detectedAtPath: 'startsAt',
  resource: { name: 'labels.pod', namespace: 'labels.namespace' },
  resourceDefaults: { apiVersion: 'v1', kind: 'Pod' },
  dedupFields: ['labels'],
  ignoreWhen: [{ path: 'status', values: ['resolved'] }],
  detailsPaths: ['labels', 'annotations', 'generatorURL', '$root.externalURL'],
};

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
const path = (ingester: string) => `/ingest/${cluster.namespace}/${ingester}`;

beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 1 });
  pod = await cluster.leader();
  await Promise.all([
    cluster.applyIngester('falco', { source: 'falco' }),
    cluster.applyIngester('audit', { source: 'audit' }),
    cluster.applyIngester('alertmanager', { source: 'webhook', config: ALERTMANAGER }),
  ]);
  // One replica: it applied each Ingester (and routed its path) before writing Ready.
  await Promise.all(['falco', 'audit', 'alertmanager'].map((name) => cluster.ingesterReady(name, 'True', 'Accepted')));
}, 60_000);
afterAll(async () => cluster?.stop());

async function post(ingester: string, body: string, contentType = 'application/json'): Promise<Record<string, number>> {
  const res = await pod.post(path(ingester), body, { 'content-type': contentType });
  const answer = (await res.json()) as Record<string, number>;
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

describe('falco in cluster mode', () => {
  const shell = fixtureText('falco', 'raw-syscall-critical-terminal-shell.json');

  it('turns a Falco alert into one Observation, and a repeat raises its count', async () => {
    expect(await post('falco', shell)).toMatchObject({ received: 1, created: 1 });
    const [obs] = await waitForObservations(cluster, 'falco', 1, { where: (o) => o.spec.title === 'Terminal shell in container' });
    expect(summary(obs)).toEqual(['critical', 'security', 'runtime_threat', 'Terminal shell in container']);
    expect(obs.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'kubecon', namespace: 'default' });
    expect(obs.spec.detectedAt).toBe('2023-05-25T13:44:05.478Z');
    expect(obs.spec.description).toMatch(/^A shell was spawned in a container with an attached terminal/);
    expect(obs.spec.details).toMatchObject({ rule: 'Terminal shell in container', hostname: 'falco-xczjd' });
    // `default` is outside this host's WATCH_NAMESPACE: the Observation lives in the Ingester's namespace.
    expect(obs.metadata.namespace).toBe(cluster.namespace);
    expect(obs.metadata.labels).toMatchObject({ 'zen.kube-zen.io/source': 'falco', 'zen.kube-zen.io/severity': 'critical', 'zen.kube-zen.io/category': 'security' });
    expect(obs.status?.count).toBe(1);

    await post('falco', shell);
    const again = await waitForObservations(cluster, 'falco', 1, { where: (o) => o.spec.title === 'Terminal shell in container', ready: (o) => o.status?.count === 2 });
    expect(again[0].metadata.name).toBe(obs.metadata.name);
  });

  it('reads an NDJSON batch: 8 alerts of one finding are one Observation', async () => {
    const answer = await post('falco', fixtureText('falco', 'raw-ndjson-warning-open-from-cat-8-alerts.jsonl'), 'application/x-ndjson');
    expect(answer.received).toBe(8);
    expect(answer.created + answer.merged + answer.deduped).toBe(8);
    // One finding, counted once per alert (written as one create carrying the batch's count).
    const [obs] = await waitForObservations(cluster, 'falco', 1, { where: (o) => o.spec.title === 'open_from_cat', ready: (o) => o.status?.count === 8 });
    expect(summary(obs)).toEqual(['medium', 'security', 'runtime_threat', 'open_from_cat']);
    expect(obs.spec.resource).toBeUndefined();
    expect(obs.spec.details).toMatchObject({ hostname: 'test-falco-hostname' });
  });

  it('maps a k8saudit alert to the audited object', async () => {
    await post('falco', fixtureText('falco', 'raw-k8saudit-warning-disallowed-user-403.json'));
    const [obs] = await waitForObservations(cluster, 'falco', 1, { where: (o) => o.spec.title === 'Disallowed K8s User' });
    expect(summary(obs)).toEqual(['medium', 'security', 'k8s_audit', 'Disallowed K8s User']);
    expect(obs.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Event', name: 'my-pool-1.18051c0a88716868', namespace: 'default' });
  });
});

describe('audit in cluster mode', () => {
  // The four single-event fixtures, as the API server's webhook backend batches them.
  const FILES = [
    'event-no-kind-request-exec-pod.json',
    'event-no-kind-requestresponse-create-clusterrolebinding.json',
    'event-v1-metadata-create-secret-kube-system.json',
    'event-v1beta1-requestresponse-create-privileged-pod.json',
  ];
  const eventList = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: FILES.map((f) => fixtureJson('audit', f)) });
  const EXPECTED: [string, string, string, string, Obs['spec']['resource']][] = [
    ['medium', 'security', 'pod_exec', 'exec into pod default/nginx-deployment-7998647bdf-phvq7 by minikube-user', { apiVersion: 'v1', kind: 'Pod', name: 'nginx-deployment-7998647bdf-phvq7', namespace: 'default' }],
    ['high', 'security', 'privileged_pod', 'Privileged pod created: default/nginx-deployment-5cdcc99dbf-rgw6z', { apiVersion: 'v1', kind: 'Pod', name: 'nginx-deployment-5cdcc99dbf-rgw6z', namespace: 'default' }],
    ['medium', 'security', 'rbac_change', 'RBAC ClusterRoleBinding some-reader-binding created by minikube-user', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'some-reader-binding' }],
    ['medium', 'security', 'secret_write', 'Secret kube-system/bootstrap-token-ne7bxu created by admin', { apiVersion: 'v1', kind: 'Secret', name: 'bootstrap-token-ne7bxu', namespace: 'kube-system' }],
  ];

  it('turns an EventList of four events into four Observations', async () => {
    expect(await post('audit', eventList)).toMatchObject({ received: 4, created: 4 });
    const obs = (await waitForObservations(cluster, 'audit', 4, { where: (o) => o.spec.eventType !== 'access_denied' })).sort(byTitle);
    expect(obs.map((o) => [...summary(o), o.spec.resource])).toEqual(EXPECTED);
    for (const o of obs) expect(o.status?.count).toBe(1);
    expect(obs.find((o) => o.spec.eventType === 'pod_exec')!.spec.details).toMatchObject({ command: 'bash', container: 'nginx1', auditID: 'ca1ed9f4-7bf4-4c85-81a8-1b11253d1ba6' });
  });

  it('does not count a re-sent batch again: each request is one finding, seen once', async () => {
    await post('audit', eventList);
    // Let the dedup cache flush (DEDUP_FLUSH_INTERVAL_SECONDS=1) whatever it absorbed.
    await new Promise((r) => setTimeout(r, 1_500));
    const obs = await waitForObservations(cluster, 'audit', 4, { where: (o) => o.spec.eventType !== 'access_denied' });
    expect(obs.map((o) => o.status?.count)).toEqual([1, 1, 1, 1]);
  });

  it('reads the log backend’s NDJSON: the eleven refused requests of 37 lines are nine findings', async () => {
    const answer = await post('audit', fixtureText('audit', 'events-ndjson-37-v1-audit2rbac-demo.jsonl'), 'application/x-ndjson');
    expect(answer.received).toBe(11);
    // bob and sa1 were each refused twice listing pods in default: one finding each, counted 2.
    const twice = new Set(['Denied (403): bob list pods in default', 'Denied (403): system:serviceaccount:ns1:sa1 list pods in default']);
    const obs = await waitForObservations(cluster, 'audit', 9, { where: (o) => o.spec.eventType === 'access_denied', ready: (o) => o.status?.count === (twice.has(o.spec.title) ? 2 : 1) });
    expect(obs.filter((o) => o.status?.count === 2).map((o) => o.spec.title).sort()).toEqual([...twice].sort());
    expect(new Set(obs.map((o) => o.spec.severity))).toEqual(new Set(['low']));
    expect(obs.map((o) => o.spec.title)).toContain('Denied (403): alice list secrets in ns1');
    expect(obs.find((o) => o.spec.title === 'Denied (403): alice list secrets in ns1')!.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Secret', namespace: 'ns1' });
  });
});

describe('webhook (Alertmanager) in cluster mode', () => {
  const three = fixtureText('webhook', 'alertmanager-v4-compact-three-alerts-firing.json');

  it('makes one Observation per alert of a group, with the README config', async () => {
    expect(await post('alertmanager', three)).toMatchObject({ received: 3, created: 3 });
    const obs = (await waitForObservations(cluster, 'webhook', 3, { where: (o) => o.spec.eventType === 'icmp_ping_failed' })).sort(byTitle);
    expect(obs.map(summary)).toEqual(['30', '50', '66'].map((ip) => ['high', 'operations', 'icmp_ping_failed', `ICMP ping failed on 172.29.254.${ip}`]));
    expect(obs[0].spec.description).toBe('172.29.254.30 does not reply to ICMP pings');
    expect(obs[0].spec.detectedAt).toBe('2019-09-27T16:27:56.612Z');
    // No pod label: resourceDefaults alone name no object.
    expect(obs[0].spec.resource).toBeUndefined();
    expect(obs[0].spec.details).toMatchObject({ labels: { instance: '172.29.254.30', severity: 'major' }, '$root.externalURL': 'http://:9093' });
  });

  it('counts the same alerts firing again (a later startsAt) on the same Observations', async () => {
    const again = JSON.parse(three);
    for (const a of again.alerts) a.startsAt = '2019-09-27T17:00:00Z';
    await post('alertmanager', JSON.stringify(again));
    const obs = await waitForObservations(cluster, 'webhook', 3, { where: (o) => o.spec.eventType === 'icmp_ping_failed', ready: (o) => o.status?.count === 2 });
    expect(obs.map((o) => o.status?.lastSeenAt).sort()).toEqual(Array(3).fill('2019-09-27T17:00:00.000Z'));
  });

  it('ignores resolved alerts, as configured', async () => {
    const resolved = JSON.parse(three);
    resolved.status = 'resolved';
    for (const a of resolved.alerts) a.status = 'resolved';
    expect(await post('alertmanager', JSON.stringify(resolved))).toMatchObject({ received: 0, created: 0 });
    const high = fixtureJson('webhook', 'alertmanager-v4-firing-high-memory.json');
    expect(await post('alertmanager', JSON.stringify(high))).toMatchObject({ created: 1 });
    const [obs] = await waitForObservations(cluster, 'webhook', 1, { where: (o) => o.spec.eventType === 'high_memory_load' });
    expect(summary(obs)).toEqual(['medium', 'operations', 'high_memory_load', 'high_memory_load on instance-with-hyphen_and_underscore']);
    expect((await observationsOf(cluster, 'webhook')).filter((o) => o.spec.eventType === 'icmp_ping_failed').map((o) => o.status?.count)).toEqual([2, 2, 2]);
  });
});
