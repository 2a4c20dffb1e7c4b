// The end state of a kill run, from the server's store: every finding of the stream (and the
// Event created and deleted during the gap) has exactly one Observation, counted once.
import type { KubeApi } from '../../test/kube-api/server.ts';
import type { Arrivals, FindingKey } from './arrivals.ts';

const OBSERVATIONS = 'zen.kube-zen.io/observations';

export interface FinalCheck {
  /** Source objects of the stream, by source. */
  findings: Record<string, number>;
  /** Their Observations in the store, by source. */
  observations: Record<string, number>;
  missing: FindingKey[];
  /** Findings with more than one Observation. */
  duplicated: FindingKey[];
  /** Observations whose status.count is set to something other than 1. */
  countsNotOne: FindingKey[];
  /** Observations no finding of the stream explains. */
  strays: FindingKey[];
  /** The Warning Event created and deleted while nobody owned its namespace has its Observation. */
  gapEventRecorded?: boolean;
}

const sourceOf = (key: FindingKey) => key.slice(0, key.indexOf('|'));
const bump = (m: Record<string, number>, k: string) => void (m[k] = (m[k] ?? 0) + 1);

export function finalCheck(api: KubeApi, arrivals: Arrivals, namespaces: readonly string[], gapNamespace: string | undefined): FinalCheck {
  const stored = new Map<FindingKey, { count?: number }[]>();
  for (const ns of namespaces) {
    for (const o of api.store.list(OBSERVATIONS, ns)) {
      const key = `${o.spec?.source}|${o.metadata.namespace}|${o.spec?.resource?.name}`;
      stored.set(key, [...(stored.get(key) ?? []), { count: o.status?.count }]);
    }
  }
  const findings: Record<string, number> = {};
  const observations: Record<string, number> = {};
  for (const key of arrivals.byKey.keys()) bump(findings, sourceOf(key));
  for (const [key, list] of stored) for (const _ of list) bump(observations, sourceOf(key));
  const gapKey = gapNamespace ? `k8s-events|${gapNamespace}|gap-pod` : undefined;
  return {
    findings,
    observations,
    missing: [...arrivals.byKey.keys()].filter((k) => !stored.has(k)),
    duplicated: [...stored].filter(([, list]) => list.length > 1).map(([k]) => k),
    // A first sighting stores no count; a second sighting of one finding would store 2.
    countsNotOne: [...stored].filter(([, list]) => list.some((o) => o.count !== undefined && o.count !== 1)).map(([k]) => k),
    strays: [...stored.keys()].filter((k) => !arrivals.byKey.has(k)),
    gapEventRecorded: gapKey ? stored.has(gapKey) : undefined,
  };
}
