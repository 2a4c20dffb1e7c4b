/**
 * The chart grants every permission the code uses. Real zen-watcher processes run a
 * representative scenario against the test API server; every request they made (the server's
 * request log, by user) becomes a (group, resource[/subresource], verb) in a namespace or at
 * cluster scope, and each must be granted by rbac-rules.yaml as a cluster-wide install places it:
 * the ClusterRole holds `watched` and `cluster`, the release namespace's Role holds
 * `releaseNamespace` and `releaseAndWatchedNamespaces`. Grants the scenario never used are
 * printed, so a reviewer sees over-granting.
 *
 * The test server has no RBAC and a real cluster has no request log: this runs on the test
 * server only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { fakeOnly, isFake } from '../kube-api/target.ts';
import { rawRequest } from '../kube-api/raw-client.ts';
import type { RequestRecord } from '../kube-api/request-log.ts';
import { REPORT_CRDS, ensureCrds, fixtureObjects, fixtureText, forCreate, observationsOf, renameNamespace, type Json } from '../sources/source-fixtures.ts';
import { grantedRules, type Scope } from './rbac-rules.ts';

/** One permission as RBAC names it; `where` is a namespace, or '' for a cluster-scope request. */
interface Use {
  group: string;
  resource: string;
  verb: string;
  where: string;
  users: Set<string>;
  count: number;
  example: string;
}

type Grant = { scope: Scope; group: string; resource: string; verb: string };

const CLUSTER_ROLE: Scope[] = ['watched', 'cluster'];
const RELEASE_ROLE: Scope[] = ['releaseNamespace', 'releaseAndWatchedNamespaces'];

/** The RBAC rows of the requests made by `users`; non-resource requests (discovery) are returned apart. */
export function usesOf(records: RequestRecord[], users: Set<string>, namespaced: (group: string, resource: string) => boolean): { uses: Use[]; nonResource: string[] } {
  const uses = new Map<string, Use>();
  const nonResource = new Set<string>();
  for (const r of records) {
    if (!users.has(r.user)) continue;
    if (!r.verb) {
      nonResource.add(`${r.method} ${r.path}`);
      continue;
    }
    const resource = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    // A namespaced resource listed without a namespace is a cluster-scope request (all namespaces).
    const where = namespaced(r.group, r.resource) ? r.namespace : '';
    const key = `${r.group}|${resource}|${r.verb}|${where}`;
    const u = uses.get(key) ?? { group: r.group, resource, verb: r.verb, where, users: new Set(), count: 0, example: `${r.method} ${r.path}` };
    u.users.add(r.user.split(':').pop()!);
    u.count++;
    uses.set(key, u);
  }
  return { uses: [...uses.values()], nonResource: [...nonResource].sort() };
}

/** Whether a cluster-wide install (watchNamespace empty) of the chart grants `use`. */
export function isGranted(use: Pick<Use, 'group' | 'resource' | 'verb' | 'where'>, grants: Grant[], releaseNamespace: string): boolean {
  const has = (scopes: Scope[]) => grants.some((g) => scopes.includes(g.scope) && g.group === use.group && g.resource === use.resource && g.verb === use.verb);
  return has(CLUSTER_ROLE) || (use.where === releaseNamespace && has(RELEASE_ROLE));
}

const row = (u: Pick<Use, 'group' | 'resource' | 'verb'>) => `${u.group || 'core'}/${u.resource} ${u.verb}`;
const place = (u: Use, releaseNamespace: string) => (u.where === '' ? 'cluster scope' : u.where === releaseNamespace ? 'release namespace' : `namespace ${u.where}`);

let cluster: ZenCluster | undefined;
let records: RequestRecord[] = [];
let users = new Set<string>();
const scope = new Map<string, boolean>();
const clusterScoped: string[] = [];

/** Namespaced or not, from the server's discovery documents (what a real client would read). */
async function loadDiscovery(c: ZenCluster, groupVersions: Set<string>): Promise<void> {
  for (const gv of groupVersions) {
    const [group, version] = gv.split('|');
    const res = await rawRequest(c.kc, 'GET', group ? `/apis/${group}/${version}` : `/api/${version}`);
    for (const r of res.json<{ resources: { name: string; namespaced: boolean }[] }>().resources) if (!r.name.includes('/')) scope.set(`${group}|${r.name}`, r.namespaced);
  }
}
const namespaced = (group: string, resource: string): boolean => scope.get(`${group}|${resource}`) ?? true;

async function post(proc: ZenWatcherProcess, path: string, body: unknown, token: string): Promise<Record<string, number>> {
  const res = await proc.post(path, body, { authorization: `Bearer ${token}` });
  const answer = (await res.json()) as Record<string, number>;
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

async function create(c: ZenCluster, path: string, body: Json): Promise<void> {
  const res = await rawRequest(c.kc, 'POST', path, body);
  expect(res.status, res.text).toBe(201);
}

/**
 * The scenario: two replicas watching the whole cluster (the chart's default), Ingesters for a
 * webhook source with bearer auth from a Secret, one with serviceAccount auth (TokenReview, the
 * grant of webhook.serviceAccountAuth.enabled) and for every informer source (the harness's
 * cm-watch plugin too), a webhook finding created and merged from both pods, a SIGTERM
 * handover (lease release), and GC deleting an expired Observation on the new leader.
 */
async function runScenario(): Promise<void> {
  const c = await ZenCluster.start({ replicas: 0 });
  cluster = c;
  const ns = c.namespace;
  const all = { WATCH_NAMESPACE: '' }; // a cluster-wide install
  await ensureCrds(c.kc, Object.values(REPORT_CRDS));
  await c.core().createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'hook-auth' }, stringData: { token: 's3cret' } } });
  const first = await c.add('zw-0', all);
  expect(await c.leader()).toBe(first);
  // Its Observations expire after a second, and it sweeps every second once it leads.
  const second = await c.add('zw-1', { ...all, OBSERVATION_TTL_SECONDS: '1', GC_INTERVAL: '1' });
  users = new Set(c.processes.map((p) => `system:serviceaccount:${ns}:${p.name}`));

  const ingesters: [string, Json][] = [
    ['hooks', { source: 'webhook', webhook: { auth: { type: 'bearer', secretRef: { name: 'hook-auth', key: 'token' } } } }],
    ['in-cluster', { source: 'webhook', webhook: { auth: { type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccountNamespaces: [ns] } } }],
    ['findings', { source: 'cm-watch' }],
    ['trivy', { source: 'trivy' }],
    ['kyverno', { source: 'kyverno' }],
    ['kube-bench', { source: 'configmap' }],
    ['events', { source: 'k8s-events' }],
  ];
  for (const [name, spec] of ingesters) await c.applyIngester(name, spec);
  for (const [name] of ingesters) await c.ingesterReady(name, 'True', 'Accepted', 30_000);

  // Something for each informer source to see.
  await create(c, `/apis/aquasecurity.github.io/v1alpha1/namespaces/${ns}/vulnerabilityreports`, forCreate(renameNamespace(fixtureObjects('trivy', 'vulnerabilityreport-replicaset-nginx-basic.yaml')[0], 'default', ns), ns));
  await create(c, `/apis/wgpolicyk8s.io/v1alpha2/namespaces/${ns}/policyreports`, forCreate(renameNamespace(fixtureObjects('kyverno', 'policyreport-v1alpha2-kyverno-pod-pass-fail.yaml')[0], 'kube-system', ns), ns));
  const cpr = forCreate(fixtureObjects('kyverno', 'policyreport-clusterpolicyreport-v1alpha2-wg-sample-falco-multidoc.yaml')[1]);
  cpr.metadata.name = `falco-alerts-policy-${ns}`;
  await create(c, '/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports', cpr);
  clusterScoped.push(`/apis/wgpolicyk8s.io/v1alpha2/clusterpolicyreports/${cpr.metadata.name}`);
  await create(c, `/api/v1/namespaces/${ns}/configmaps`, {
    metadata: { name: 'kube-bench-node-1', labels: { 'zen.kube-zen.io/scan-results': 'kube-bench', 'zen.kube-zen.io/node-name': 'node-1' } },
    data: { 'results.json': fixtureText('configmap', 'kube-bench-json-real-kind-cluster-cis-1.6.json') },
  });
  const event = forCreate(renameNamespace(fixtureObjects('k8s-events', 'core-v1-event-pulling-image-no-kind.json')[0], 'default', ns), ns);
  await create(c, `/api/v1/namespaces/${ns}/events`, { ...event, apiVersion: 'v1', kind: 'Event', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container stanza' });
  await c.createFinding('cm-1', 'open port');
  await waitFor('an Observation from every informer source', async () => {
    const sources = new Set((await c.observations()).map((o) => o.spec.source));
    return ['trivy', 'kyverno', 'configmap', 'k8s-events', 'cm-watch'].every((s) => sources.has(s));
  }, { timeoutMs: 15_000, describe: async () => [...new Set((await c.observations()).map((o) => o.spec.source))] });

  // A webhook finding: created by one pod, merged by the other (409 → status patch), absorbed
  // and flushed by the first (status patch again).
  const path = `/ingest/${ns}/hooks`;
  const finding = { title: 'disk full', severity: 'high', namespace: ns };
  await waitFor('both pods to route the Ingester', async () => (await first.post(path, {})).status === 401 && (await second.post(path, {})).status === 401);
  expect(await post(first, path, finding, 's3cret')).toMatchObject({ created: 1 });
  expect(await post(second, path, finding, 's3cret')).toMatchObject({ merged: 1 });
  expect(await post(first, path, finding, 's3cret')).toMatchObject({ deduped: 1 });
  // A sender in the cluster, with a projected token: the pod asks TokenReview.
  const projected = c.target.api!.issueToken(`system:serviceaccount:${ns}:sender`, { audiences: ['zen-watcher'] });
  await waitFor('the serviceAccount route', async () => (await first.post(`/ingest/${ns}/in-cluster`, {})).status === 401);
  expect(await post(first, `/ingest/${ns}/in-cluster`, { title: 'from a pod', severity: 'low', namespace: ns }, projected)).toMatchObject({ created: 1 });
  await waitFor('the finding counted 3 times', async () => (await observationsOf(c, 'webhook')).find((o) => o.spec.title === 'disk full')?.status?.count === 3);

  // Handover: the leader releases the lease on SIGTERM; the other leads at once.
  expect((await first.stop('SIGTERM')).code).toBe(0);
  expect(first.logged('lease released')).toHaveLength(1);
  expect(await c.leader()).toBe(second);

  // GC on the new leader: a finding it writes expires after a second and is deleted.
  await post(second, path, { title: 'short-lived', severity: 'low', namespace: ns }, 's3cret');
  await waitFor('GC to delete the expired Observation', async () => !(await observationsOf(c, 'webhook')).some((o) => o.spec.title === 'short-lived'), { timeoutMs: 10_000 });
  expect(await second.metric('zen_watcher_gc_deleted_total')).toBeGreaterThanOrEqual(1);

  records = c.target.api!.requests.list();
  await loadDiscovery(c, new Set(records.filter((r) => users.has(r.user) && r.resource).map((r) => `${r.group}|${r.version}`)));
}

beforeAll(async () => {
  if (isFake) await runScenario();
}, 90_000);
afterAll(async () => {
  for (const path of clusterScoped) if (cluster) await rawRequest(cluster.kc, 'DELETE', path).catch(() => undefined);
  await cluster?.stop();
});

describe.skipIf(fakeOnly('reads the test server’s request log'))('RBAC: what the code uses, against what the chart grants', () => {
  it('grants every (group, resource, verb) the processes used, where they used it', () => {
    const release = cluster!.namespace;
    const grants = grantedRules();
    const { uses, nonResource } = usesOf(records, users, namespaced);
    const table = uses
      .map((u) => `  ${row(u).padEnd(58)} ${place(u, release).padEnd(18)} ×${String(u.count).padEnd(4)} by ${[...u.users].sort().join(',')}`)
      .sort();
    console.info(`[rbac-usage] what the scenario used (${uses.length} rows):\n${table.join('\n')}`);
    // Sanity: the scenario did what it claims, so a missing row below means a missing grant.
    const used = new Set(uses.map(row));
    for (const r of ['zen.kube-zen.io/observations create', 'zen.kube-zen.io/observations/status patch', 'zen.kube-zen.io/observations delete', 'coordination.k8s.io/leases update', 'core/secrets watch', 'aquasecurity.github.io/vulnerabilityreports watch', 'wgpolicyk8s.io/clusterpolicyreports watch', 'authentication.k8s.io/tokenreviews create']) {
      expect(used, r).toContain(r);
    }

    const missing = uses.filter((u) => !isGranted(u, grants, release));
    expect(
      missing.map((u) => `(${u.group || 'core'}, ${u.resource}, ${u.verb}) at ${place(u, release)}, e.g. ${u.example}`),
      `zen-watcher used permissions that charts/zen-watcher/rbac-rules.yaml does not grant (a cluster-wide install would get 403):\n${missing.map((u) => `  - (${u.group || 'core'}, ${u.resource}, ${u.verb}) at ${place(u, release)} by ${[...u.users].join(',')}, e.g. ${u.example}`).join('\n')}\n`,
    ).toEqual([]);
    // Discovery and /version are open to every authenticated user (system:discovery).
    for (const r of nonResource) expect(r).toMatch(/^GET \/(api|apis|version)(\/|$)/);
  });

  it('needs the TokenReview grant for serviceAccount auth: without webhook.serviceAccountAuth it is missing', () => {
    const release = cluster!.namespace;
    const reviews = usesOf(records, users, namespaced).uses.filter((u) => u.resource === 'tokenreviews');
    expect(reviews.map((u) => [u.verb, u.where])).toEqual([['create', '']]);
    expect(reviews.every((u) => isGranted(u, grantedRules(), release))).toBe(true);
    expect(reviews.some((u) => isGranted(u, grantedRules(undefined, { serviceAccountAuth: false }), release))).toBe(false);
  });

  it('uses Leases only in the release namespace', () => {
    const leases = usesOf(records, users, namespaced).uses.filter((u) => u.resource === 'leases');
    expect(leases.length).toBeGreaterThan(0);
    expect(new Set(leases.map((u) => u.where))).toEqual(new Set([cluster!.namespace]));
  });

  it('would name a grant that goes missing (the check above has teeth)', () => {
    const release = cluster!.namespace;
    // Of what the chart grants today, take one grant away: exactly that row must be reported.
    const granted = usesOf(records, users, namespaced).uses.filter((u) => isGranted(u, grantedRules(), release));
    const without = grantedRules().filter((g) => !(g.resource === 'observations/status' && g.verb === 'patch'));
    expect(granted.filter((u) => !isGranted(u, without, release)).map(row)).toEqual(['zen.kube-zen.io/observations/status patch']);
    // A Lease is granted by the release namespace's Role only: the same use elsewhere is not.
    const leaseUse = granted.find((u) => u.resource === 'leases' && u.verb === 'update')!;
    expect(isGranted({ ...leaseUse, where: 'another-namespace' }, grantedRules(), release)).toBe(false);
    expect(isGranted({ ...leaseUse, where: '' }, grantedRules(), release)).toBe(false);
  });

  it('prints the grants the scenario never used (over-granting, for a reviewer)', () => {
    const release = cluster!.namespace;
    const { uses } = usesOf(records, users, namespaced);
    const unused = grantedRules().filter((g) => !uses.some((u) => u.group === g.group && u.resource === g.resource && u.verb === g.verb && isGranted(u, [g], release)));
    console.info(
      `[rbac-usage] granted but not used by this scenario (${unused.length}; some are for paths it does not take, e.g. openreports.io, events.k8s.io, clusterconfigauditreports):\n${unused
        .map((g) => `  ${`${g.group || 'core'}/${g.resource} ${g.verb}`.padEnd(58)} (${g.scope})`)
        .sort()
        .join('\n')}`,
    );
    expect(unused.length).toBeLessThan(grantedRules().length);
  });
});
