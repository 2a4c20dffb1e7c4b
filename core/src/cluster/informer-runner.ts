import type { InformerEventType, KubeObject, WatchedResource } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import { KubeApiError, type KubeHttp, type WatchEvent } from '../kube/kube-http.js';
import { backoffMs, sleep } from '../kube/retry.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { KeyedExecutor, type Places } from '../runtime/keyed-executor.js';
import { Checkpoint } from './watch-checkpoint.js';

/** How a runner is doing; becomes the Ingester's condition. */
export interface RunnerHealth {
  ok: boolean;
  reason?: 'ResourceNotInstalled' | 'Forbidden' | 'WatchFailing' | 'SecretUnavailable';
  message?: string;
}

/**
 * Handles one informer callback; resolves once its events are written (`done`, also when they
 * were refused for good: counted by the pipeline) or with `retry` when they could not be yet
 * (the write path gave up, e.g. while stopping): the runner then delivers it again after a pause.
 */
export type InformerHandler = (type: InformerEventType, obj: KubeObject, sync: boolean) => Promise<'done' | 'retry'>;

export interface RunnerOptions {
  source: string;
  resource: WatchedResource;
  /** Watch only this namespace; undefined = all namespaces (or a cluster-scoped resource). */
  namespace?: string;
  stallSeconds: number;
  /** Bounds of the page size of lists. */
  pageSize?: number;
  /** Callbacks handled at once (different objects; one object's are always in order). Default 1. */
  concurrency?: number;
  /**
   * Resume from this resourceVersion instead of listing (a new leader taking over an event
   * stream from the old leader's checkpoint): everything after it is replayed, including objects
   * created and deleted while nobody led. Falls back to a full (sync) list on 410.
   */
  resumeFrom?: string;
}

export interface InformerRunnerDeps {
  http: KubeHttp;
  options: RunnerOptions;
  handle: InformerHandler;
  metrics: HostMetrics;
  log: Logger;
  /** Told when the runner's health changes (becomes the Ingester's condition). */
  onHealth?: (h: RunnerHealth) => void;
  /** Told once every object of the first list has been handled (or the resume point taken). */
  onSynced?: () => void;
}

type ListPage = { items?: KubeObject[]; metadata?: { continue?: string; resourceVersion?: string } };

/**
 * A page's objects one at a time, each dropped from the page as it is handed on: a page of big
 * reports is tens of MiB parsed, and the last of it waits its turn while the first is written.
 */
function* handOver(page: ListPage): Generator<KubeObject> {
  const items: (KubeObject | undefined)[] = page.items ?? [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    items[i] = undefined;
    yield item;
  }
}

function keyOf(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** `group/version/plural`, the `gvr` metric label. */
export function gvrOf(r: WatchedResource): string {
  return `${r.group || 'core'}/${r.version}/${r.plural}`;
}

/**
 * List + watch of one resource for one source, owned by the host (client-node's informer stops
 * on any error but 410 and ignores bookmarks). It requests bookmarks, resumes from the last
 * resourceVersion after a normal close, relists on 410 Expired (diffing against what it knew,
 * so nothing is reported twice and deletions are seen), restarts with backoff on any error,
 * honours Retry-After, and restarts a watch that has been silent longer than `stallSeconds`.
 * The first list (start, or takeover by a new leader) reports every object as `sync`: that is
 * the catch-up that makes a failover lose nothing for state-like sources.
 *
 * It keeps no objects: per object only its resourceVersion (a relist needs no more to tell new,
 * changed and gone objects apart); lists are handled page by page; callbacks for different
 * objects run concurrently (bounded), each object's in order.
 */
export class InformerRunner {
  private readonly known = new Map<string, string>();
  private rv = '';
  private readonly done = new Checkpoint();
  private health: RunnerHealth = { ok: true };
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private readonly executor: KeyedExecutor;
  /** Rewinds asked for while running (resourceVersions), done between watches. */
  private readonly rewinds: string[] = [];
  /** Resyncs run beside the watch, one after another. */
  private resyncs: Promise<void> = Promise.resolve();
  private resyncing = 0;
  /** While a resync runs: objects the watch saw deleted, at the deletion's resourceVersion. */
  private readonly gone = new Map<string, string>();
  /**
   * Objects a resync handed on at a version the watch has not reached yet (the list was ahead of
   * it): the watch's events of them up to that version are not handed on again. An entry goes
   * once the watch passes it (it always does: the version it waits for is one of its events).
   */
  private readonly ahead = new Map<string, string>();
  /** The places a resync's callbacks may take: half, so the watch's events always find one. */
  private readonly resyncLane: Places;
  private interruptWatch?: () => void;
  readonly gvr: string;
  private readonly http: KubeHttp;
  private readonly opts: RunnerOptions;
  private readonly handle: InformerHandler;
  private readonly metrics: HostMetrics;
  private readonly log: Logger;
  private readonly onHealth: (h: RunnerHealth) => void;
  private readonly onSynced: () => void;

  constructor(deps: InformerRunnerDeps) {
    this.http = deps.http;
    this.opts = deps.options;
    this.handle = deps.handle;
    this.metrics = deps.metrics;
    this.log = deps.log;
    this.onHealth = deps.onHealth ?? (() => undefined);
    this.onSynced = deps.onSynced ?? (() => undefined);
    this.gvr = gvrOf(deps.options.resource);
    this.executor = new KeyedExecutor(Math.max(1, deps.options.concurrency ?? 1));
    this.resyncLane = this.executor.lane(Math.floor((deps.options.concurrency ?? 1) / 2));
  }

  private get path(): string {
    const r = this.opts.resource;
    const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
    return this.opts.namespace && r.namespaced !== false ? `${base}/namespaces/${this.opts.namespace}/${r.plural}` : `${base}/${r.plural}`;
  }

  start(parent: AbortSignal): void {
    parent.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop?.catch(() => undefined);
    await this.executor.drained();
    // A stopped watch (lost leadership) must not keep exporting a last-event time that only
    // grows stale: staleness is the leader's to report.
    this.metrics.watchLastEvent.remove({ source: this.opts.source, gvr: this.gvr });
  }

  private setHealth(h: RunnerHealth): void {
    if (h.ok === this.health.ok && h.reason === this.health.reason && h.message === this.health.message) return;
    this.health = h;
    this.onHealth(h);
  }

  /**
   * Lists again and hands on every object `accept` takes as `sync` (partitions this pod just
   * took over); the others are left alone. It runs beside the watch, which goes on handing on
   * every other object's events meanwhile (a takeover does not pause the partitions this pod
   * already had), and never hands on a listed object older than what the watch has already
   * seen of it (changed or deleted since the list). It takes at most half the callback places,
   * so the watch's events always find one. Resolves once those objects are handled.
   */
  resync(accept: (obj: KubeObject) => boolean): Promise<void> {
    const run = this.resyncs.then(() => this.runResync(accept));
    this.resyncs = run.catch(() => undefined);
    return run;
  }

  private async runResync(accept: (obj: KubeObject) => boolean): Promise<void> {
    const signal = this.abort.signal;
    this.resyncing++;
    try {
      for (let attempt = 0; !signal.aborted; attempt++) {
        const handled: Promise<void>[] = [];
        try {
          let cont: string | undefined;
          do {
            const page = await this.listPage(cont);
            for (const item of handOver(page)) {
              if (!accept(item)) continue;
              handled.push((await this.deliver('sync', item, true, { lane: this.resyncLane, outdated: () => this.outdated(item) })).done);
            }
            cont = page.metadata?.continue || undefined;
          } while (cont);
          await Promise.all(handled);
          return;
        } catch (err) {
          await Promise.all(handled);
          if (signal.aborted) return;
          // A continue token that expired (410) or any failure: list again from the start;
          // objects handed on twice are written once (the tracker diffs them).
          const wait = err instanceof KubeApiError && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds * 1000 : backoffMs(attempt, 500, 30_000);
          this.log.warn({ err, gvr: this.gvr, attempt, retryInMs: Math.round(wait) }, 'informer resync list failed; retrying');
          await this.http.availability.pause(wait, signal);
        }
      }
    } finally {
      if (--this.resyncing === 0) this.gone.clear();
    }
  }

  /**
   * Whether a listed object is older than what the watch has seen of it since: a newer version
   * (handed on by the watch, or to be) or its deletion. An object the watch has not reached yet
   * is taken, and the watch's older events of it are then skipped (see onWatchEvent).
   */
  private outdated(item: KubeObject): boolean {
    const k = keyOf(item);
    const listed = item.metadata?.resourceVersion ?? '';
    const deletedAt = this.gone.get(k);
    if (deletedAt !== undefined && olderThan(listed, deletedAt)) return true;
    const seen = this.known.get(k);
    if (seen !== undefined && olderThan(listed, seen)) return true;
    if (seen === undefined || olderThan(seen, listed)) {
      this.known.set(k, listed);
      this.ahead.set(k, listed);
    }
    return false;
  }

  /**
   * Replays the stream from `rv` if that is older than where it is (a partition taken over
   * from another pod's checkpoint); events seen again are merged by the source's own count.
   */
  rewind(rv: string): void {
    this.rewinds.push(rv);
    this.interruptWatch?.();
  }

  /** The resourceVersion up to which every event has been handled (not only received). */
  get checkpoint(): string {
    return this.done.value;
  }

  private touch(): void {
    this.metrics.watchLastEvent.set({ source: this.opts.source, gvr: this.gvr }, Date.now() / 1000);
  }

  private restarted(reason: string): void {
    this.metrics.watchRestarts.inc({ source: this.opts.source, gvr: this.gvr, reason });
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let failures = 0;
    let needList = !this.opts.resumeFrom;
    let first = true;
    if (this.opts.resumeFrom) {
      this.rv = this.opts.resumeFrom;
      this.done.reset(this.rv);
      this.log.info({ gvr: this.gvr, namespace: this.opts.namespace, resourceVersion: this.rv }, "resuming the event stream from the previous leader's checkpoint");
      this.onSynced();
    }
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.list(first);
          first = false;
          needList = false;
        }
        this.serveRequests();
        this.setHealth({ ok: true });
        this.log.info({ gvr: this.gvr, namespace: this.opts.namespace, resourceVersion: this.rv }, 'informer watching');
        const outcome = await this.watchOnce();
        failures = 0;
        if (signal.aborted) break;
        if (outcome === 'expired') needList = true;
        if (outcome !== 'interrupted') this.restarted(outcome);
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        let wait = backoffMs(failures, 500, 30_000);
        if (err instanceof KubeApiError) {
          if (err.status === 410) needList = true;
          if (err.retryAfterSeconds !== undefined) wait = err.retryAfterSeconds * 1000;
          if (err.status === 404) {
            this.setHealth({ ok: false, reason: 'ResourceNotInstalled', message: `${this.gvr} is not served by the API server (is its CRD installed?); retrying` });
            wait = Math.max(wait, 5000);
          } else if (err.status === 403) {
            this.setHealth({ ok: false, reason: 'Forbidden', message: `not allowed to list/watch ${this.gvr}${this.opts.namespace ? ` in ${this.opts.namespace}` : ''}: ${err.message}` });
            wait = Math.max(wait, 5000);
          } else if (failures >= 3) {
            this.setHealth({ ok: false, reason: 'WatchFailing', message: `${this.gvr}: ${err.message}` });
          }
        }
        this.restarted(err instanceof KubeApiError ? `http_${err.status}` : 'error');
        this.log.warn({ err, gvr: this.gvr, attempt: failures, retryInMs: Math.round(wait) }, 'informer list/watch failed; retrying');
        // Woken early when the API server comes back after an outage.
        await this.http.availability.pause(wait, signal);
      }
    }
  }

  private serveRequests(): void {
    for (const rv of this.rewinds.splice(0)) {
      if (olderThan(rv, this.rv)) {
        this.log.info({ gvr: this.gvr, from: rv, was: this.rv }, 'replaying the event stream from a taken-over checkpoint');
        this.rv = rv;
      }
    }
  }

  /**
   * Lists page by page, handing each page's objects on before the next page is read: the first
   * list reports all as `sync`; a relist reports what changed against the resourceVersions it
   * knew, and a tombstone for each object no longer there.
   */
  private async list(first: boolean): Promise<void> {
    const seen = new Set<string>();
    const handled: Promise<void>[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.listPage(cont);
      for (const item of handOver(page)) {
        const k = keyOf(item);
        seen.add(k);
        const before = this.known.get(k);
        const now = item.metadata?.resourceVersion ?? '';
        this.known.set(k, now);
        if (first || before === undefined) handled.push((await this.deliver(first ? 'sync' : 'add', item, first)).done);
        else if (before !== now) handled.push((await this.deliver('update', item, false)).done);
      }
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    this.touch();
    for (const [k, lastRv] of [...this.known]) {
      if (seen.has(k)) continue;
      this.known.delete(k);
      handled.push((await this.deliver('delete', this.tombstone(k, lastRv), false)).done);
    }
    this.rv = rv;
    // The list is one step of the stream: its resourceVersion is reached once all of it is handled.
    const step = this.done.begin(rv);
    void Promise.all(handled).then(() => {
      step();
      if (first) this.onSynced();
    });
  }

  private listPage(cont: string | undefined): Promise<ListPage> {
    const r = this.opts.resource;
    return this.http.request<ListPage>({ method: 'GET', path: this.path, query: { limit: this.opts.pageSize ?? 500, continue: cont, labelSelector: r.labelSelector, fieldSelector: r.fieldSelector }, signal: this.abort.signal });
  }

  /** What a relist hands on for an object that is gone: what a watch DELETED would have named. */
  private tombstone(key: string, resourceVersion: string): KubeObject {
    const [namespace, name] = key.split('/');
    const r = this.opts.resource;
    return { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, metadata: { name, ...(namespace ? { namespace } : {}), resourceVersion } };
  }

  /** One watch from `rv`; resolves with why it ended. */
  private async watchOnce(): Promise<'closed' | 'expired' | 'stalled' | 'interrupted'> {
    const ctl = new AbortController();
    const onParentAbort = () => ctl.abort();
    let interrupted = false;
    this.interruptWatch = () => {
      interrupted = true;
      ctl.abort();
    };
    if (this.rewinds.length > 0) this.interruptWatch();
    this.abort.signal.addEventListener('abort', onParentAbort, { once: true });
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        ctl.abort();
      }, this.opts.stallSeconds * 1000);
      timer.unref();
    };
    let expired = false;
    arm();
    try {
      await this.http.watch(
        this.path,
        {
          resourceVersion: this.rv,
          allowWatchBookmarks: true,
          timeoutSeconds: 300 + Math.floor(Math.random() * 300),
          labelSelector: this.opts.resource.labelSelector,
          fieldSelector: this.opts.resource.fieldSelector,
        },
        async (e) => {
          arm();
          this.touch();
          await this.onWatchEvent(e, () => {
            expired = true;
            ctl.abort();
          });
        },
        ctl.signal,
      );
    } catch (err) {
      if (!(stalled || expired || interrupted || this.abort.signal.aborted)) throw err;
    } finally {
      clearTimeout(timer);
      this.interruptWatch = undefined;
      this.abort.signal.removeEventListener('abort', onParentAbort);
    }
    if (expired) return 'expired';
    if (interrupted) return 'interrupted';
    if (stalled) {
      this.log.warn({ gvr: this.gvr, silentSeconds: this.opts.stallSeconds }, 'watch silent too long; restarting it');
      return 'stalled';
    }
    return 'closed';
  }

  private async onWatchEvent(e: WatchEvent, expire: () => void): Promise<void> {
    const rv = e.object?.metadata?.resourceVersion;
    if (e.type === 'ERROR') {
      const status = e.object as { code?: number; message?: string };
      if (status.code === 410) return expire();
      throw new KubeApiError(status.code ?? 500, 'WatchError', status.message ?? 'watch error');
    }
    if (e.type === 'BOOKMARK') {
      if (rv) {
        this.rv = rv;
        this.done.begin(rv)();
      }
      return;
    }
    const obj = e.object as KubeObject;
    const k = keyOf(obj);
    const seen = this.known.get(k);
    const known = seen !== undefined;
    // A resync beside this watch already handed on this version or a newer one (its list was
    // ahead of the watch): not handed on again.
    const listedAt = this.ahead.get(k);
    if (listedAt !== undefined && rv && (e.type === 'DELETED' || !olderThan(rv, listedAt))) this.ahead.delete(k);
    if (listedAt !== undefined && rv && e.type !== 'DELETED' && !olderThan(listedAt, rv)) {
      this.rv = rv;
      this.done.begin(rv)();
      return;
    }
    if (e.type === 'DELETED') {
      this.known.delete(k);
      if (this.resyncing > 0 && rv) this.gone.set(k, rv);
    } else this.known.set(k, rv ?? '');
    const step = rv ? this.done.begin(rv) : () => undefined;
    const { done } = await this.deliver(e.type === 'DELETED' ? 'delete' : known ? 'update' : 'add', obj, false);
    void done.then(step);
    if (rv) this.rv = rv;
  }

  /**
   * Hands one callback to its handler, concurrently with other objects' and after this
   * object's previous one; resolves once admitted, with its completion. The write path retries
   * on its own until it lands, so the loop inside only turns when the handler could not finish
   * (it was stopping, or its writes were abandoned): informer events are never dropped for
   * backpressure.
   */
  private async deliver(type: InformerEventType, obj: KubeObject, sync: boolean, resync?: { lane: Places; outdated: () => boolean }): Promise<{ done: Promise<void> }> {
    const { done } = await this.executor.submit(keyOf(obj), async () => {
      // Decided when its turn comes, after this object's earlier callbacks.
      if (resync?.outdated()) return;
      for (let attempt = 0; !this.abort.signal.aborted; attempt++) {
        if ((await this.handle(type, obj, sync)) === 'done') return;
        this.log.debug({ gvr: this.gvr, object: keyOf(obj), attempt }, 'informer event not recorded yet; delivering it again');
        await sleep(backoffMs(attempt, 500, 15_000), this.abort.signal);
      }
    }, resync?.lane);
    return { done: done.catch((err: unknown) => this.log.error({ err, gvr: this.gvr, object: keyOf(obj) }, 'informer callback failed')) };
  }
}

/** Whether resourceVersion `a` is older than `b` (etcd's are integers; others are opaque). */
function olderThan(a: string, b: string): boolean {
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return a !== b;
  return BigInt(a) < BigInt(b);
}
