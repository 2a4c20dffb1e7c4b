// Full-size Trivy VulnerabilityReports for the scale tests and bench/informer-scale. No public
// report of real size comes with a licence (the Apache-2.0 samples list at most 14
// vulnerabilities), so one is built from them: the trivy-operator doc sample's metadata and
// report (a ReplicaSet's nginx container), with the 16 real entries of the two samples
// (wg-policy's zipkin scan and the doc sample's own) repeated at distinct package paths up to
// the 132 vulnerabilities of issue 9's Starboard scan, each given a description so an entry
// weighs what a real one does (~1.1 KB of YAML: 144 KB per report there). See
// plugins/trivy/test/fixtures/SOURCES.md for the samples.
import { rawRequest } from '../kube-api/raw-client.ts';
import type * as k8s from '@kubernetes/client-node';
import { fixtureObjects, forCreate, type Json } from '../sources/source-fixtures.ts';

const BASE = fixtureObjects('trivy', 'vulnerabilityreport-replicaset-nginx-basic.yaml')[0];
const REAL_ENTRIES: Json[] = [
  ...fixtureObjects('trivy', 'vulnerabilityreportlist-wg-policy-zipkin-imgvuln.yaml')[0].report.vulnerabilities,
  ...BASE.report.vulnerabilities,
];

/** Vulnerabilities in a full-size report (issue 9's scan had 132). */
export const FIXTURE_VULNERABILITIES = 132;
const AT_MEDIUM = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

// What a Trivy description is like in length: NVD's text runs to several hundred characters.
const describe = (v: Json, round: number) =>
  `${v.title || v.vulnerabilityID} (${v.resource} ${v.installedVersion}, copy ${round}). `.padEnd(620, 'An attacker able to supply crafted input may trigger the flaw described by the advisory; see the primary link. ');
export const reportsPath = (namespace: string) => `/apis/aquasecurity.github.io/v1alpha1/namespaces/${namespace}/vulnerabilityreports`;

/**
 * `count` distinct vulnerabilities: the real entries again and again, each round at its own
 * `pkgPath` (as the same library vendored at several paths), so every entry is a distinct finding
 * for the plugin (its key is workload, container, id, package and path).
 */
export function vulnerabilities(count: number = FIXTURE_VULNERABILITIES): Json[] {
  return Array.from({ length: count }, (_, i) => {
    const v = structuredClone(REAL_ENTRIES[i % REAL_ENTRIES.length]);
    const round = Math.floor(i / REAL_ENTRIES.length);
    return { ...v, pkgPath: `usr/share/vendor/copy-${round}/${v.resource}`, description: describe(v, round) };
  });
}

/** The first `count` vulnerabilities at or above medium: each a finding at the default `minSeverity`. */
export const vulnerabilitiesAtMedium = (count: number): Json[] => vulnerabilities(count * 4).filter((v) => AT_MEDIUM.has(v.severity)).slice(0, count);

/** Findings a full-size report yields at the trivy plugin's default `minSeverity: medium`. */
export const FINDINGS_AT_MEDIUM = vulnerabilities().filter((v) => AT_MEDIUM.has(v.severity)).length;

/** A vulnerability none of the fixture's entries has: a new finding in a rescan. */
export function newVulnerability(id: string): Json {
  return { ...structuredClone(REAL_ENTRIES[0]), vulnerabilityID: id, resource: `pkg-${id.toLowerCase()}`, installedVersion: '1.4.9', fixedVersion: '1.4.11', severity: 'HIGH', title: `${id}: found by a rescan` };
}

/**
 * The report Trivy Operator writes for the nginx container of ReplicaSet `app` in `namespace`:
 * the fixture with its own name and workload labels (so its findings are its own), as a client
 * creates it.
 */
export function vulnerabilityReport(namespace: string, app: string, vulns: Json[] = vulnerabilities()): Json {
  const r = forCreate(BASE, namespace);
  r.metadata.name = `replicaset-${app}-nginx`;
  r.metadata.labels = {
    ...r.metadata.labels,
    'trivy-operator.resource.name': app,
    'trivy-operator.resource.namespace': namespace,
  };
  r.report.vulnerabilities = vulns;
  const count = (severity: string) => vulns.filter((v) => v.severity === severity).length;
  r.report.summary = { criticalCount: count('CRITICAL'), highCount: count('HIGH'), mediumCount: count('MEDIUM'), lowCount: count('LOW'), unknownCount: count('UNKNOWN') };
  return r;
}

/** An Observation as the API server holds it (the fields these tests read). */
export interface ScaleObs {
  metadata: { name: string; namespace: string; uid?: string; creationTimestamp?: string };
  spec: { source: string; title: string; dedupKey?: string; resource?: { name?: string } };
  status?: { count?: number; resolvedAt?: string };
}

/** Every Observation of `source` in `namespace`, read page by page. */
export async function observationsIn(kc: k8s.KubeConfig, namespace: string, source = 'trivy'): Promise<ScaleObs[]> {
  const out: ScaleObs[] = [];
  let cont = '';
  do {
    const q = new URLSearchParams({ labelSelector: `zen.kube-zen.io/source=${source}`, limit: '500', ...(cont ? { continue: cont } : {}) });
    const res = await rawRequest(kc, 'GET', `/apis/zen.kube-zen.io/v1alpha1/namespaces/${namespace}/observations?${q}`);
    if (res.status !== 200) throw new Error(`listing Observations: ${res.status} ${res.text}`);
    const page = res.json() as { items: ScaleObs[]; metadata?: { continue?: string } };
    out.push(...page.items);
    cont = page.metadata?.continue ?? '';
  } while (cont);
  return out;
}

/** How many Observations `namespace` holds (one item read: the list's remaining count tells the rest). */
export async function observationCount(kc: k8s.KubeConfig, namespace: string): Promise<number> {
  const res = await rawRequest(kc, 'GET', `/apis/zen.kube-zen.io/v1alpha1/namespaces/${namespace}/observations?limit=1`);
  const page = res.json() as { items: unknown[]; metadata?: { remainingItemCount?: number } };
  return page.items.length + (page.metadata?.remainingItemCount ?? 0);
}

/** Observations of the workload `app`. */
export const ofApp = (obs: ScaleObs[], app: string) => obs.filter((o) => o.spec.resource?.name === app);
