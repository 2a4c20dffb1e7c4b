// Every API request as the server saw it, so tests can assert on client behaviour
// ("no writes while partitioned", "one list then a watch", "backs off after 429").

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const WRITE_VERBS: Verb[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export interface RequestInfo {
  method: string;
  path: string;
  /** Kubernetes verb; '' for non-resource requests (discovery, /version). */
  verb: Verb | '';
  group: string;
  version: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  user: string;
  token: string;
  /** The request's `labelSelector` / `fieldSelector` query parameters ('' when absent). */
  labelSelector: string;
  fieldSelector: string;
}

export interface RequestRecord extends RequestInfo {
  time: number;
  /** HTTP status; 0 while unanswered or when never answered (a hung partition). */
  code: number;
  /** 'served' normally, 'fault' when an injected failure answered, 'partitioned' when dropped. */
  outcome: 'served' | 'fault' | 'partitioned';
}

/** Matches requests; every given field must match, arrays mean "any of". */
export interface RequestMatch {
  verb?: Verb | Verb[];
  resource?: string | string[];
  subresource?: string;
  namespace?: string;
  name?: string;
  user?: string;
  token?: string;
  group?: string;
  /** Exact text of the selector the request carried ('' matches requests without one). */
  labelSelector?: string;
  fieldSelector?: string;
}

export function matchesRequest(m: RequestMatch | undefined, r: RequestInfo): boolean {
  if (!m) return true;
  const one = <T>(want: T | T[] | undefined, got: T): boolean => want === undefined || (Array.isArray(want) ? want.includes(got) : want === got);
  return (
    one(m.verb, r.verb as Verb) &&
    one(m.resource, r.resource) &&
    one(m.subresource, r.subresource) &&
    one(m.namespace, r.namespace) &&
    one(m.name, r.name) &&
    one(m.user, r.user) &&
    one(m.token, r.token) &&
    one(m.group, r.group) &&
    one(m.labelSelector, r.labelSelector) &&
    one(m.fieldSelector, r.fieldSelector)
  );
}

const MAX_RECORDS = 50_000;

export class RequestLog {
  private records: RequestRecord[] = [];
  private readonly listeners = new Set<(rec: RequestRecord) => void>();

  add(info: RequestInfo, outcome: RequestRecord['outcome']): RequestRecord {
    const rec: RequestRecord = { ...info, time: Date.now(), code: 0, outcome };
    if (this.records.length >= MAX_RECORDS) this.records.splice(0, MAX_RECORDS / 10);
    this.records.push(rec);
    for (const listener of this.listeners) listener(rec);
    return rec;
  }

  /**
   * Hands every record to `listener` as it is added (its `code` is set once answered), for a
   * counter that outlives the log's last 50,000 records; returns the unsubscribe.
   */
  onRecord(listener: (rec: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Requests matching `m` that reached the server (partitioned ones excluded unless asked). */
  list(m?: RequestMatch & { includePartitioned?: boolean; since?: number }): RequestRecord[] {
    return this.records.filter(
      (r) => (m?.includePartitioned || r.outcome !== 'partitioned') && (m?.since === undefined || r.time >= m.since) && matchesRequest(m, r),
    );
  }

  count(m?: RequestMatch & { includePartitioned?: boolean; since?: number }): number {
    return this.list(m).length;
  }

  /**
   * Counts of matching requests grouped by the given fields, keyed by their values joined with
   * ' ' (an empty value shows as '-'): `countBy(['verb', 'resource', 'subresource'], { user })`
   * → `{ 'create observations -': 12, 'patch observations status': 3 }`.
   */
  countBy(fields: (keyof RequestInfo)[], m?: RequestMatch & { includePartitioned?: boolean; since?: number }): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.list(m)) {
      const k = fields.map((f) => String(r[f]) || '-').join(' ');
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /** Counts keyed `verb resource user`, for a quick look at what a client did. */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) {
      if (r.outcome === 'partitioned') continue;
      const k = `${r.verb || r.method} ${r.resource || r.path} ${r.user}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  reset(): void {
    this.records = [];
  }
}
