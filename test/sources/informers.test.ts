import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { randomSuffix } from '../kube-api/target.ts';
import { rawRequest } from '../kube-api/raw-client.ts';
import {
  REPORT_CRDS,
  byTitle,
  ensureCrds,
  fixtureObjects,
  fixtureText,
  forCreate,
  observationsOf,
  renameNamespace,
  summary,
  waitForObservations,
  type Json,
  type Obs,
} from './source-fixtures.ts';

// The informer sources end to end: a real leader against the API server (the test server, or
// ZW_TEST_KUBECONFIG's cluster), the report CRDs installed, Ingesters for trivy, kyverno,
// configmap and k8s-events, the plugins' fixture objects created in the run's namespace, and
// the Observations read back. An update that finds nothing new must write nothing new.

let cluster: ZenCluster;
let ns: string;
/** Cluster-scoped objects this run created: the namespace's deletion does not take them. */
const clusterScoped: string[] = [];

beforeAll(async () => {
  // No dedup window: every informer event is written through before the next one is handled,
  // so once a later event's Observation is in, an earlier update's (unwanted) writes would be too.
  cluster = await ZenCluster.start({ replicas: 1, env: { DEDUP_WINDOW_SECONDS: '0' } });
  ns = cluster.namespace;
  await Promise.all([ensureCrds(cluster.kc, Object.values(REPORT_CRDS)), cluster.leader()]);
}, 60_000);
afterAll(async () => {
  for (const path of clusterScoped) await rawRequest(cluster.kc, 'DELETE', path).catch(() => undefined);
  await cluster?.stop();
});

async function create(path: string, body: Json): Promise<Json> {
  const res = await rawRequest(cluster.kc, 'POST', path, body);
  expect(res.status, res.text).toBe(201);
  return res.json();
}

/** Read-modify-write of one object, as a tool rewriting its report does (PUT with resourceVersion). */
async function rewrite(path: string, change: (o: Json) => void): Promise<void> {
  const current = (await rawRequest(cluster.kc, 'GET', path)).json();
  change(current);
  const res = await rawRequest(cluster.kc, 'PUT', path, current);
  expect(res.status, res.text).toBe(200);
}

const countsOf = (obs: Obs[]) => obs.map((o) => o.status?.count);

describe('trivy', () => {
  const base = `/apis/aquasecurity.github.io/v1alpha1/namespaces`;
  const inNs = (file: string) => forCreate(renameNamespace(fixtureObjects('trivy', file)[0], 'default', ns), ns);
  const vulnPath = () => `${base}/${ns}/vulnerabilityreports/replicaset-nginx-6d4cf56db6-nginx`;

  it('maps vulnerability, config audit and exposed secret reports: one Observation per finding', async () => {
    await cluster.applyIngester('trivy', { source: 'trivy', config: { minSeverity: 'low' } });
    await cluster.ingesterReady('trivy', 'True', 'Accepted');
    const vulns = inNs('vulnerabilityreport-replicaset-nginx-basic.yaml');
    // The operator stamps every report with its scan time (the Trivy CRDs require it; this sample lacks it).
    vulns.report.updateTimestamp = '2026-11-26T01:00:00Z';
    await create(`${base}/${ns}/vulnerabilityreports`, vulns);
    await create(`${base}/${ns}/configauditreports`, inNs('configauditreport-replicaset-nginx-doc.yaml'));
    await create(`${base}/${ns}/exposedsecretreports`, inNs('exposedsecretreport-replicaset-app-doc.yaml'));

    const obs = (await waitForObservations(cluster, 'trivy', 6)).sort(byTitle);
    expect(obs.map(summary)).toEqual([
      ['critical', 'security', 'vulnerability', 'CVE-2018-25009 in libwebp6 0.6.1-2'],
      ['critical', 'security', 'vulnerability', 'CVE-2019-20367 in libbsd0 0.9.1-2 (fixed in 0.9.1-2+deb10u1)'],
      ['low', 'compliance', 'config_audit', 'notReadOnlyRootFilesystem: Filesystem should be read only (nginx)'],
      ['critical', 'compliance', 'config_audit', 'privilegeEscalationAllowed: Privilege escalation should not be allowed (nginx)'],
      ['high', 'security', 'exposed_secret', 'Stripe secret in /app/config/secret.yaml'],
      ['high', 'security', 'exposed_secret', 'Stripe secret in /app/config/secret.yaml'],
    ]);
    const nginx = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nginx-6d4cf56db6', namespace: ns };
    expect(obs[0].spec.resource).toEqual(nginx);
    expect(obs[0].spec.detectedAt).toBe('2026-11-26T01:00:00.000Z');
    expect(obs[3].spec.resource).toEqual(nginx);
    expect(obs[3].spec.detectedAt).toBe('2021-05-20T12:38:10.000Z');
    expect(obs[4].spec.resource).toEqual({ ...nginx, name: 'app-67b77f5965' });
    expect(obs[4].spec.detectedAt).toBe('2022-06-29T14:29:37.000Z');
    expect(obs[1].spec.details).toMatchObject({ vulnerabilityID: 'CVE-2019-20367', fixedVersion: '0.9.1-2+deb10u1', container: 'nginx' });
    // The matched secret line never reaches an Observation.
    expect(JSON.stringify(obs)).not.toMatch(/secret_key|publishable_key/);
    for (const o of obs) expect(o.metadata.namespace).toBe(ns);
    expect(countsOf(obs)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a rescan that finds nothing new writes nothing; a new vulnerability is one new Observation', async () => {
    await rewrite(vulnPath(), (r) => {
      r.report.updateTimestamp = '2026-11-26T06:00:00Z';
      r.report.vulnerabilities[1].installedVersion = '0.6.1-2+b1';
    });
    // Events of one watch arrive in order: once the second rewrite's finding is in, the first was seen.
    await rewrite(vulnPath(), (r) => {
      r.report.vulnerabilities.push({ ...r.report.vulnerabilities[0], vulnerabilityID: 'CVE-2026-0001', resource: 'libc6', severity: 'HIGH', title: 'glibc: test' });
    });
    const obs = await waitForObservations(cluster, 'trivy', 7);
    expect(obs.filter((o) => o.spec.title.startsWith('CVE-2026-0001')).map(summary)).toEqual([['high', 'security', 'vulnerability', 'CVE-2026-0001 in libc6 0.9.1-2 (fixed in 0.9.1-2+deb10u1)']]);
    expect(countsOf(obs)).toEqual(Array(7).fill(1));
  });
});

describe('kyverno', () => {
  const group = '/apis/wgpolicyk8s.io/v1alpha2';
  const clusterReport = `falco-alerts-policy-${randomSuffix()}`;
  const podReport = () => `${group}/namespaces/${ns}/policyreports/487df031-11d8-4ab4-b089-dfc0db1e533e`;

  it('maps failed results of PolicyReports and ClusterPolicyReports, one Observation per result and resource', async () => {
    await cluster.applyIngester('kyverno', { source: 'kyverno' });
    await cluster.ingesterReady('kyverno', 'True', 'Accepted');
    const [pod] = fixtureObjects('kyverno', 'policyreport-v1alpha2-kyverno-pod-pass-fail.yaml');
    await create(`${group}/namespaces/${ns}/policyreports`, forCreate(renameNamespace(pod, 'kube-system', ns), ns));
    const [falcoNs, falcoCluster] = fixtureObjects('kyverno', 'policyreport-clusterpolicyreport-v1alpha2-wg-sample-falco-multidoc.yaml');
    await create(`${group}/namespaces/${ns}/policyreports`, forCreate(renameNamespace(falcoNs, 'my-namespace', ns), ns));
    const cpr = forCreate(falcoCluster);
    cpr.metadata.name = clusterReport;
    await create(`${group}/clusterpolicyreports`, cpr);
    clusterScoped.push(`${group}/clusterpolicyreports/${clusterReport}`);

    const obs = (await waitForObservations(cluster, 'kyverno', 3, { where: (o) => o.metadata.namespace === ns && (o.spec.resource?.namespace === ns || o.spec.resource?.name === clusterReport) })).sort(byTitle);
    expect(obs.map((o) => [...summary(o), o.spec.resource])).toEqual([
      ['medium', 'security', 'policy_violation', 'Policy audit failed', { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'ClusterPolicyReport', name: clusterReport }],
      ['low', 'security', 'policy_violation', 'Policy Change thread namespace failed', { apiVersion: 'v1', kind: 'Pod', name: 'a-pod', namespace: ns }],
      [
        'medium',
        'security',
        'policy_violation',
        'Policy disallow-host-namespaces rule host-namespaces failed',
        { apiVersion: 'v1', kind: 'Pod', name: 'kube-apiserver-kind-control-plane', namespace: ns, uid: '487df031-11d8-4ab4-b089-dfc0db1e533e' },
      ],
    ]);
    expect(obs[2].spec.detectedAt).toBe('2023-12-06T13:19:22.000Z');
    expect(obs[2].spec.details).toMatchObject({ policy: 'disallow-host-namespaces', rule: 'host-namespaces', result: 'fail' });
    expect(countsOf(obs)).toEqual([1, 1, 1]);
  });

  it('a background rescan with fresh timestamps writes nothing; a check that starts failing is one new Observation', async () => {
    await rewrite(podReport(), (r) => {
      for (const res of r.results) res.timestamp = { seconds: 1764136800, nanos: 0 };
      r.results[1].message = 'validation error: host namespaces are not allowed';
    });
    await rewrite(podReport(), (r) => {
      r.results[0].result = 'fail';
      r.results[0].message = "validation rule 'adding-capabilities' failed.";
    });
    const obs = await waitForObservations(cluster, 'kyverno', 4, { where: (o) => o.metadata.namespace === ns && (o.spec.resource?.namespace === ns || o.spec.resource?.name === clusterReport) });
    expect(obs.filter((o) => o.spec.details?.policy === 'disallow-capabilities').map(summary)).toEqual([['medium', 'security', 'policy_violation', 'Policy disallow-capabilities rule adding-capabilities failed']]);
    expect(countsOf(obs)).toEqual([1, 1, 1, 1]);
  });

  it('an adapter appending one more occurrence of an alert raises its Observation\'s count', async () => {
    const [armor] = fixtureObjects('kyverno', 'policyreport-v1alpha2-kubearmor-adapter-list-two-pods.yaml');
    await create(`${group}/namespaces/${ns}/policyreports`, forCreate(renameNamespace(armor, 'multiubuntu', ns), ns));
    const isArmor = (o: Obs) => o.spec.details?.policy === 'ksp-group-1-proc-path-block';
    const byPod = (obs: Obs[]) => obs.map((o) => [o.spec.resource?.name, o.status?.count]).sort();
    // The fixture's blocked exec is reported twice on the first pod: one finding, counted 2.
    const before = await waitForObservations(cluster, 'kyverno', 2, { where: isArmor, ready: (o) => o.spec.resource?.name !== 'ubuntu-1-deployment-5d6b975744-rrkhh' || o.status?.count === 2 });
    expect(byPod(before)).toEqual([['ubuntu-1-deployment-5d6b975744-rrkhh', 2], ['ubuntu-2-deployment-bc58cf44-sfr9s', 1]]);
    // The adapter appends the same blocked exec a third time (another pid, later).
    await rewrite(`${group}/namespaces/${ns}/policyreports/kubearmor-policy-report`, (r) => {
      const again = structuredClone(r.results[0]);
      again.properties.pid = '512';
      again.properties.updated_time = '2021-11-21T12:40:00.000000Z';
      again.timestamp = { seconds: 1637498400, nanos: 0 };
      r.results.push(again);
    });
    const after = await waitForObservations(cluster, 'kyverno', 2, { where: isArmor, ready: (o) => o.spec.resource?.name !== 'ubuntu-1-deployment-5d6b975744-rrkhh' || o.status?.count === 3 });
    expect(byPod(after)).toEqual([['ubuntu-1-deployment-5d6b975744-rrkhh', 3], ['ubuntu-2-deployment-bc58cf44-sfr9s', 1]]);
    expect(after.map((o) => o.metadata.name).sort()).toEqual(before.map((o) => o.metadata.name).sort());
  });
});

describe('configmap (kube-bench)', () => {
  const results = JSON.parse(fixtureText('configmap', 'kube-bench-json-real-kind-cluster-cis-1.6.json'));
  const cmPath = () => `/api/v1/namespaces/${ns}/configmaps/kube-bench-kind-control-plane`;
  const isOurs = (o: Obs) => o.spec.resource?.name === 'kind-control-plane';

  it('maps each FAIL of a kube-bench run left in a labelled ConfigMap to an Observation on the node', async () => {
    await cluster.applyIngester('kube-bench', { source: 'configmap', config: { labelSelector: 'zen.kube-zen.io/scan-results=kube-bench' } });
    await cluster.ingesterReady('kube-bench', 'True', 'Accepted');
    await create(`/api/v1/namespaces/${ns}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'kube-bench-kind-control-plane',
        labels: { 'zen.kube-zen.io/scan-results': 'kube-bench', 'zen.kube-zen.io/node-name': 'kind-control-plane' },
        annotations: { 'zen.kube-zen.io/scanned-at': '2026-11-26T03:00:00Z' },
      },
      data: { 'results.json': JSON.stringify(results) },
    });
    const obs = await waitForObservations(cluster, 'configmap', 36, { where: isOurs });
    expect(new Set(obs.map((o) => [o.spec.severity, o.spec.category, o.spec.eventType].join(' ')))).toEqual(new Set(['high compliance cis_benchmark_fail']));
    const first = obs.find((o) => o.spec.details?.testNumber === '1.1.1')!;
    expect(first.spec.title).toBe('CIS 1.1.1 Ensure that the API server pod specification file permissions are set to 644 or more rest…');
    expect(first.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'kind-control-plane' });
    expect(first.spec.detectedAt).toBe('2026-11-26T03:00:00.000Z');
    expect(first.spec.details).toMatchObject({ status: 'FAIL', scored: true, nodeType: 'master', benchmarkVersion: '1.6' });
    // A Node is cluster-scoped: the Observation lives in the Ingester's namespace.
    for (const o of obs) expect(o.metadata.namespace).toBe(ns);
  });

  it('the next run with the same results writes nothing; a WARN that became a FAIL is one new Observation', async () => {
    await rewrite(cmPath(), (cm) => {
      cm.metadata.annotations['zen.kube-zen.io/scanned-at'] = '2026-11-26T04:00:00Z';
    });
    const next = structuredClone(results);
    const warn = next.Controls[0].tests.flatMap((t: Json) => t.results).find((r: Json) => r.test_number === '1.2.1');
    warn.status = 'FAIL';
    await rewrite(cmPath(), (cm) => {
      cm.metadata.annotations['zen.kube-zen.io/scanned-at'] = '2026-11-26T05:00:00Z';
      cm.data['results.json'] = JSON.stringify(next);
    });
    const obs = await waitForObservations(cluster, 'configmap', 37, { where: isOurs });
    expect(obs.filter((o) => o.spec.details?.testNumber === '1.2.1').map((o) => [o.spec.severity, o.spec.title])).toEqual([
      ['medium', 'CIS 1.2.1 Ensure that the --anonymous-auth argument is set to false'],
    ]);
    expect(countsOf(obs)).toEqual(Array(37).fill(1));
  });
});

describe('k8s-events', () => {
  const uid = '47d965e6-4bb3-4c58-a089-1a8b16bf21b0';
  const eventsPath = () => `/api/v1/namespaces/${ns}/events`;
  const isOurs = (o: Obs) => o.spec.resource?.name === 'stanza-g6rzd';

  /** The kubelet's event of the fixture, in this namespace, as a Warning or as it is (Normal). */
  function event(name: string, changes: Json): Json {
    const [pulling] = fixtureObjects('k8s-events', 'core-v1-event-pulling-image-no-kind.json');
    const e = forCreate(renameNamespace(pulling, 'default', ns), ns);
    e.apiVersion = 'v1';
    e.kind = 'Event';
    e.metadata.name = name;
    return { ...e, ...changes };
  }

  it('turns a Warning Event about a Pod into an Observation; a Normal one into nothing', async () => {
    await cluster.applyIngester('events', { source: 'k8s-events' });
    await cluster.ingesterReady('events', 'True', 'Accepted');
    await create(eventsPath(), event('stanza-g6rzd.162ae19292cebe00', {})); // Normal: Pulling
    await create(eventsPath(), event('stanza-g6rzd.162ae19292cebe25', { type: 'Warning', reason: 'BackOff', message: `Back-off restarting failed container stanza in pod stanza-g6rzd_${ns}(${uid})` }));
    const [obs] = await waitForObservations(cluster, 'k8s-events', 1, { where: isOurs });
    expect([obs.spec.severity, obs.spec.category, obs.spec.eventType]).toEqual(['high', 'operations', 'crash_loop_backoff']);
    expect(obs.spec.title).toMatch(/^BackOff: Back-off restarting failed container stanza in pod stanza-g6rzd_/);
    expect(obs.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'stanza-g6rzd', namespace: ns, uid });
    expect(obs.spec.detectedAt).toBe('2020-08-13T16:43:57.000Z');
    expect(obs.spec.details).toMatchObject({ reason: 'BackOff', type: 'Warning', fieldPath: 'spec.containers{stanza}', event: { name: 'stanza-g6rzd.162ae19292cebe25', namespace: ns } });
    expect(obs.status?.count).toBe(1);
  });

  it('the kubelet bumping the Event’s count raises the Observation’s count to it, on the same Observation', async () => {
    const path = `${eventsPath()}/stanza-g6rzd.162ae19292cebe25`;
    await rewrite(path, (e) => {
      e.count = 5;
      e.lastTimestamp = '2020-08-13T16:48:57Z';
    });
    let [obs] = await waitForObservations(cluster, 'k8s-events', 1, { where: isOurs, ready: (o) => o.status?.count === 5 });
    expect(obs.status?.lastSeenAt).toBe('2020-08-13T16:48:57.000Z');
    await rewrite(path, (e) => {
      e.count = 12;
      e.lastTimestamp = '2020-08-13T16:58:57Z';
    });
    [obs] = await waitForObservations(cluster, 'k8s-events', 1, { where: isOurs, ready: (o) => o.status?.count === 12 });
    expect((await observationsOf(cluster, 'k8s-events')).filter(isOurs)).toHaveLength(1);
  });
});
