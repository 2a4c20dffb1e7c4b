// Fault injection: the failures a controller meets against a real API server (5xx, 429 with
// Retry-After, latency, dropped or stalled watches, compaction, network partitions of one
// client, the CRD warm-up 429), switched on and off by tests.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo, RequestMatch } from './request-log.ts';
import { matchesRequest } from './request-log.ts';
import type { ApiError } from './status.ts';
import { ApiError as StatusError, internalError, serviceUnavailable, timeout, tooManyRequests } from './status.ts';
import type { Store } from './store.ts';
import type { WatchStream } from './watch.ts';

export interface FailOptions {
  match?: RequestMatch;
  /** HTTP status to answer with: 429, 500, 503, 504 or any other. */
  status: number;
  /** Fail only this many matching requests, then let them through (default: until removed). */
  times?: number;
  /** Fail each matching request with this probability (default 1). */
  fraction?: number;
  /** Retry-After seconds for 429/503 (429 defaults to 1). */
  retryAfterSeconds?: number;
  /**
   * 429 body: 'text' (default) is what API Priority and Fairness answers — plain text, not a
   * Status; 'status' is a TooManyRequests Status object.
   */
  body?: 'text' | 'status';
  message?: string;
}

export interface LatencyOptions {
  match?: RequestMatch;
  ms: number;
}

export interface FaultHandle {
  /** How many requests this fault has affected so far. */
  readonly hits: number;
  remove(): void;
}

export type PartitionMode = 'hang' | 'reset';

export interface PartitionTarget {
  token?: string;
  user?: string;
}

interface Rule<T> {
  opts: T;
  hits: number;
  removed: boolean;
}

export interface FaultDeps {
  store: Store;
  watches: Set<WatchStream>;
  crdEstablishedAt: Map<string, number>;
}

export type InjectedFailure = { kind: 'status'; error: ApiError } | { kind: 'text'; code: number; text: string; headers: Record<string, string> };

function watchInfo(w: WatchStream): RequestInfo {
  const t = w.req.type;
  return {
    method: 'GET',
    path: '',
    verb: 'watch',
    group: t.group,
    version: t.version,
    resource: t.plural,
    subresource: '',
    namespace: w.req.namespace ?? '',
    name: '',
    user: w.req.client.user,
    token: w.req.client.token,
    labelSelector: '',
    fieldSelector: '',
  };
}

function handle<T>(list: Rule<T>[], rule: Rule<T>): FaultHandle {
  list.push(rule);
  return {
    get hits() {
      return rule.hits;
    },
    remove() {
      rule.removed = true;
      const i = list.indexOf(rule);
      if (i >= 0) list.splice(i, 1);
    },
  };
}

export class Faults {
  private deps: FaultDeps;
  private failures: Rule<FailOptions>[] = [];
  private latencies: Rule<LatencyOptions>[] = [];
  private partitions: Rule<PartitionTarget & { mode: PartitionMode }>[] = [];
  private warmups: Rule<{ seconds: number; retryAfterSeconds: number }>[] = [];
  private warmedUp = new Set<string>();
  private freezeMatch: RequestMatch | undefined;
  private frozenAll = false;
  private hung = new Set<ServerResponse>();

  constructor(deps: FaultDeps) {
    this.deps = deps;
  }

  /** Answer matching requests with an error status. */
  fail(opts: FailOptions): FaultHandle {
    return handle(this.failures, { opts, hits: 0, removed: false });
  }

  /** Delay matching requests (watches: before the stream starts). */
  latency(opts: LatencyOptions): FaultHandle {
    return handle(this.latencies, { opts, hits: 0, removed: false });
  }

  /**
   * Opt-in: the first watches on a CRD's resource within `seconds` of it becoming Established
   * get 429 + Retry-After, as a real apiserver does while the new watch cache initializes.
   */
  crdWatchWarmup(opts: { seconds?: number; retryAfterSeconds?: number } = {}): FaultHandle {
    return handle(this.warmups, { opts: { seconds: opts.seconds ?? 2, retryAfterSeconds: opts.retryAfterSeconds ?? 1 }, hits: 0, removed: false });
  }

  /** End every open watch (matching `match`) — gracefully, or by resetting the connection. */
  closeWatches(match?: RequestMatch, opts: { abrupt?: boolean } = {}): number {
    let n = 0;
    for (const w of [...this.deps.watches]) {
      if (!matchesRequest(match, watchInfo(w))) continue;
      n++;
      if (opts.abrupt) w.destroy();
      else w.end();
    }
    return n;
  }

  /** Watches (open and new, matching `match`) stay connected but receive nothing until unfrozen. */
  freezeWatches(match?: RequestMatch): void {
    if (match) this.freezeMatch = match;
    else this.frozenAll = true;
    for (const w of this.deps.watches) if (this.shouldFreeze(w)) w.freeze();
  }

  /** Resume frozen watches; what they missed is delivered then, in order. */
  unfreezeWatches(): void {
    this.freezeMatch = undefined;
    this.frozenAll = false;
    for (const w of this.deps.watches) if (!this.partitionOf(watchInfo(w))) w.unfreeze();
  }

  shouldFreeze(w: WatchStream): boolean {
    const info = watchInfo(w);
    return this.frozenAll || (this.freezeMatch !== undefined && matchesRequest(this.freezeMatch, info)) || this.partitionOf(info)?.opts.mode === 'hang';
  }

  /** Forget watch history: every resourceVersion older than the current one is now 410 Gone. */
  compact(): void {
    this.deps.store.compact();
  }

  /**
   * Cut one client (by token or user) off. 'hang': its requests are never answered and its
   * watches go silent; 'reset': its connections are reset. Removing the handle heals it; then
   * hung requests and silent watches are dropped, as a broken connection would be.
   */
  partition(target: PartitionTarget, mode: PartitionMode = 'hang'): FaultHandle {
    const rule = { opts: { ...target, mode }, hits: 0, removed: false };
    const h = handle(this.partitions, rule);
    for (const w of [...this.deps.watches]) {
      if (!matchesRequest(target, watchInfo(w))) continue;
      if (mode === 'reset') w.destroy();
      else w.freeze();
    }
    return {
      get hits() {
        return h.hits;
      },
      remove: () => {
        h.remove();
        this.afterHeal();
      },
    };
  }

  /** Heal every partition. */
  heal(): void {
    for (const r of [...this.partitions]) r.removed = true;
    this.partitions = [];
    this.afterHeal();
  }

  private afterHeal(): void {
    for (const res of [...this.hung]) {
      const info = (res as ServerResponse & { zwInfo?: RequestInfo }).zwInfo;
      if (!info || !this.partitionOf(info)) {
        this.hung.delete(res);
        res.destroy();
      }
    }
    for (const w of [...this.deps.watches]) {
      if (w.isFrozen() && !this.partitionOf(watchInfo(w)) && !this.shouldFreeze(w)) w.destroy();
    }
  }

  partitionOf(info: RequestInfo): Rule<PartitionTarget & { mode: PartitionMode }> | undefined {
    for (const r of this.partitions) {
      if ((r.opts.token === undefined || r.opts.token === info.token) && (r.opts.user === undefined || r.opts.user === info.user)) return r;
    }
    return undefined;
  }

  /** Apply a partition to an incoming request; true when the request was swallowed. */
  swallow(req: IncomingMessage, res: ServerResponse, info: RequestInfo): boolean {
    const p = this.partitionOf(info);
    if (!p) return false;
    p.hits++;
    if (p.opts.mode === 'reset') {
      req.socket.destroy();
    } else {
      (res as ServerResponse & { zwInfo?: RequestInfo }).zwInfo = info;
      this.hung.add(res);
      res.on('close', () => this.hung.delete(res));
    }
    return true;
  }

  delayFor(info: RequestInfo): number {
    let ms = 0;
    for (const r of this.latencies) {
      if (matchesRequest(r.opts.match, info)) {
        r.hits++;
        ms += r.opts.ms;
      }
    }
    return ms;
  }

  failureFor(info: RequestInfo, storageKey: string | undefined): InjectedFailure | undefined {
    for (const r of [...this.failures]) {
      if (!matchesRequest(r.opts.match, info)) continue;
      if (r.opts.fraction !== undefined && Math.random() >= r.opts.fraction) continue;
      r.hits++;
      if (r.opts.times !== undefined && r.hits >= r.opts.times) {
        const i = this.failures.indexOf(r);
        if (i >= 0) this.failures.splice(i, 1);
      }
      return this.failure(r.opts);
    }
    if (info.verb === 'watch' && storageKey && this.warmups.length > 0) {
      const at = this.deps.crdEstablishedAt.get(storageKey);
      const w = this.warmups[0];
      if (at !== undefined && !this.warmedUp.has(storageKey)) {
        if (Date.now() - at < w.opts.seconds * 1000) {
          w.hits++;
          return { kind: 'status', error: tooManyRequests('storage is (re)initializing', w.opts.retryAfterSeconds) };
        }
        this.warmedUp.add(storageKey);
      }
    }
    return undefined;
  }

  private failure(o: FailOptions): InjectedFailure {
    switch (o.status) {
      case 429: {
        const retry = o.retryAfterSeconds ?? 1;
        if (o.body === 'status') return { kind: 'status', error: tooManyRequests(o.message ?? 'please try again later', retry) };
        return { kind: 'text', code: 429, text: `${o.message ?? 'Too many requests, please try again later.'}\n`, headers: { 'Retry-After': String(retry) } };
      }
      case 500:
        return { kind: 'status', error: internalError(o.message ?? 'injected fault') };
      case 503:
        return { kind: 'status', error: serviceUnavailable(o.message ?? 'the server is currently unable to handle the request', o.retryAfterSeconds) };
      case 504:
        return { kind: 'status', error: timeout(o.message ?? 'request did not complete within requested timeout - context deadline exceeded', o.retryAfterSeconds ?? 1) };
      default:
        return { kind: 'status', error: new StatusError(o.status, '', o.message ?? `injected fault ${o.status}`) };
    }
  }

  /** Remove every fault, heal partitions and unfreeze watches. */
  clear(): void {
    for (const list of [this.failures, this.latencies, this.warmups] as Rule<unknown>[][]) {
      for (const r of list) r.removed = true;
      list.length = 0;
    }
    this.heal();
    this.unfreezeWatches();
  }

  /** Drop everything hung (server stop). */
  dropHung(): void {
    for (const res of this.hung) res.destroy();
    this.hung.clear();
  }
}
