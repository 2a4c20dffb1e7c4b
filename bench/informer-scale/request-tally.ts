// Counts every request the in-process test API server receives, by phase of the benchmark.
// The server's own request log keeps the last 50,000 records, fewer than a 1,000-report sync
// makes, so the tally listens to records as they are added and keeps only counters.
import type { KubeApi } from '../../test/kube-api/server.ts';
import type { RequestRecord } from '../../test/kube-api/request-log.ts';

/** `verb resource subresource labelSelector` (empty parts as '-'), as `countBy` spells it. */
export type RequestKind = string;

export class RequestTally {
  /** Requests from now on are counted under this phase. */
  phase = 'setup';
  private readonly counts = new Map<string, Map<RequestKind, number>>();
  /** Create records of observations per phase, kept to read their answers (409s) afterwards. */
  private readonly creates = new Map<string, RequestRecord[]>();

  constructor(api: KubeApi) {
    api.requests.onRecord((rec) => this.count(rec));
  }

  private count(r: RequestRecord): void {
    const key = `${r.user}\u0000${[r.verb || r.method, r.resource || r.path, r.subresource, r.labelSelector].map((x) => x || '-').join(' ')}`;
    let byKind = this.counts.get(this.phase);
    if (!byKind) this.counts.set(this.phase, (byKind = new Map()));
    byKind.set(key, (byKind.get(key) ?? 0) + 1);
    if (r.verb === 'create' && r.resource === 'observations') {
      const list = this.creates.get(this.phase) ?? [];
      list.push(r);
      this.creates.set(this.phase, list);
    }
  }

  /** Requests of `phase` (by `user`, if given), by kind. */
  of(phase: string, user?: string): Record<RequestKind, number> {
    const out: Record<RequestKind, number> = {};
    for (const [key, n] of this.counts.get(phase) ?? []) {
      const [u, kind] = key.split('\u0000');
      if (user === undefined || u === user) out[kind] = (out[kind] ?? 0) + n;
    }
    return out;
  }

  /** Sum of the counts of `phase` whose kind matches `kind` (a prefix such as `create observations`). */
  total(phase: string, user?: string, kind = ''): number {
    return Object.entries(this.of(phase, user))
      .filter(([k]) => k.startsWith(kind))
      .reduce((s, [, n]) => s + n, 0);
  }

  /** Creates of Observations in `phase` the server answered with `code`. */
  createsAnswered(phase: string, code: number, user?: string): number {
    return (this.creates.get(phase) ?? []).filter((r) => r.code === code && (user === undefined || r.user === user)).length;
  }

  /** Forget the create records of `phase` (they hold memory). */
  dropCreates(phase: string): void {
    this.creates.delete(phase);
  }
}
