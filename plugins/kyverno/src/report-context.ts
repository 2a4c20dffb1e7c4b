import type { ResourceRef } from '@zen-watcher/sdk';
import { asRecord, asText, compact, eventTime, type Tally } from '@zen-watcher/sdk/helpers';

/** Report kinds this plugin reads; the namespaced ones say where their results' objects live. */
const KINDS: Record<string, { namespaced: boolean }> = {
  PolicyReport: { namespaced: true },
  ClusterPolicyReport: { namespaced: false },
  Report: { namespaced: true },
  ClusterReport: { namespaced: false },
};

/** Labels policy engines put on their reports to say who wrote them. */
const ENGINE_LABELS = ['app.kubernetes.io/managed-by', 'policy.kubernetes.io/engine', 'wgpolicyk8s.io/engine'];

/**
 * What the results of one report share.
 */
export interface ReportContext {
  report: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
  /** Whether the report is namespaced (PolicyReport, Report): its results' objects default to its namespace. */
  namespaced: boolean;
  /** The object the whole report is about (`scope`, Kyverno ≥ 1.11 writes one report per resource). */
  scope?: ResourceRef;
  /** `report.source`, else the engine label (Falco's adapter only labels its reports). */
  source?: string;
  /** The report's creation time: a result's time when it has none. */
  createdAt?: string;
}

/**
 * Reads a reference (`scope`, an entry of `resources`): kind and name are required, the
 * namespace defaults to `namespace`. Longer-than-Kubernetes values are cut, not rejected.
 *
 * @example
 * ```ts
 * readRef({ apiVersion: 'v1', kind: 'Pod', name: 'web-0' }, 'shop'); // { ..., namespace: 'shop' }
 * ```
 */
export function readRef(value: unknown, namespace?: string): ResourceRef | undefined {
  const ref = asRecord(value);
  const kind = asText(ref?.kind);
  const name = asText(ref?.name);
  if (!ref || !kind || !name) return undefined;
  return compact({
    apiVersion: asText(ref.apiVersion)?.slice(0, 253),
    kind: kind.slice(0, 253),
    name: name.slice(0, 253),
    namespace: (asText(ref.namespace) ?? namespace)?.slice(0, 63),
    uid: asText(ref.uid)?.slice(0, 64),
  });
}

/**
 * Reads the shared context of a report; undefined (after counting the reason) when the object
 * is not a report this plugin knows.
 *
 * @example
 * ```ts
 * const context = readReportContext(obj, tally);
 * ```
 */
export function readReportContext(root: Record<string, unknown>, tally: Tally): ReportContext | undefined {
  const meta = asRecord(root.metadata) ?? {};
  const kind = asText(root.kind);
  const name = asText(meta.name);
  const namespace = asText(meta.namespace);
  // List responses may carry items without kind; a `results` list is then the tell.
  const known = kind === undefined ? (Array.isArray(root.results) ? { namespaced: namespace !== undefined } : undefined) : KINDS[kind];
  if (!known) {
    tally.skip('unsupported_kind', { kind, name });
    return undefined;
  }
  const namespaced = known.namespaced;
  const labels = asRecord(meta.labels);
  const engine = ENGINE_LABELS.map((l) => asText(labels?.[l])).find((v) => v !== undefined);
  return compact({
    report: compact({ apiVersion: asText(root.apiVersion), kind, name, namespace }),
    namespaced,
    scope: readRef(root.scope, namespaced ? namespace : undefined),
    source: asText(root.source) ?? engine,
    createdAt: eventTime(meta.creationTimestamp),
  });
}
