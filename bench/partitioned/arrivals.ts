// When each finding's source object was stored and when its Observation first appeared, read
// from the in-process test API server's store as it changes (no request, so no added cost), and
// the first create of an Observation each client sends per namespace (the request log).
import type { KubeApi } from '../../test/kube-api/server.ts';
import type { Obj } from '../../test/kube-api/store.ts';

/** `source|namespace|resource name`: one finding of the stream (a report's workload, an Event's object). */
export type FindingKey = string;

export const REPORTS = 'aquasecurity.github.io/vulnerabilityreports';
const EVENTS = 'events';
const OBSERVATIONS = 'zen.kube-zen.io/observations';

export interface Arrival {
  namespace: string;
  /** When the source object was stored (ms since the epoch). */
  createdAt: number;
  /** When its first Observation was stored. */
  observedAt?: number;
  /** Observations stored for it (ADDED events): one when nothing is duplicated. */
  observations: number;
}

/** The finding key of a stored source object or Observation; undefined for anything else. */
function sourceKey(collection: string, o: Obj): FindingKey | undefined {
  const ns = o.metadata?.namespace;
  if (collection === REPORTS) return `trivy|${ns}|${o.metadata?.labels?.['trivy-operator.resource.name']}`;
  if (collection === EVENTS) return o.type === 'Warning' ? `k8s-events|${ns}|${o.involvedObject?.name}` : undefined;
  return undefined;
}
const observationKey = (o: Obj): FindingKey => `${o.spec?.source}|${o.metadata?.namespace}|${o.spec?.resource?.name}`;

export class Arrivals {
  readonly byKey = new Map<FindingKey, Arrival>();
  /** Observations whose finding no source object of the stream explains. */
  readonly strays: FindingKey[] = [];
  /** Creates of Observations from `armAt` on: when, by whom, in which namespace. */
  readonly creates: { time: number; user: string; namespace: string }[] = [];
  armAt = Infinity;
  private readonly stops: (() => void)[] = [];

  constructor(api: KubeApi, namespaces: readonly string[]) {
    const wanted = new Set(namespaces);
    for (const collection of [REPORTS, EVENTS]) {
      this.stops.push(
        api.store.watch(collection, {
          onEvent: (ev) => {
            const key = ev.type === 'ADDED' && wanted.has(ev.object.metadata?.namespace) ? sourceKey(collection, ev.object) : undefined;
            if (key && !this.byKey.has(key)) this.byKey.set(key, { namespace: ev.object.metadata.namespace, createdAt: Date.now(), observations: 0 });
          },
        }),
      );
    }
    this.stops.push(
      api.store.watch(OBSERVATIONS, {
        onEvent: (ev) => {
          if (ev.type !== 'ADDED' || !wanted.has(ev.object.metadata?.namespace)) return;
          const a = this.byKey.get(observationKey(ev.object));
          if (!a) return void this.strays.push(observationKey(ev.object));
          a.observations++;
          a.observedAt ??= Date.now();
        },
      }),
    );
    this.stops.push(
      api.requests.onRecord((rec) => {
        if (rec.time >= this.armAt && rec.verb === 'create' && rec.resource === 'observations' && wanted.has(rec.namespace ?? '')) this.creates.push({ time: rec.time, user: rec.user ?? '', namespace: rec.namespace! });
      }),
    );
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
  }
}
