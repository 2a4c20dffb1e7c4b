import { LABELS, type InformerEventType, type KubeObject } from '@zen-watcher/sdk';
import { FindingIndex } from '@zen-watcher/sdk/host';
import type { Logger } from 'pino';
import type { KubeHttp } from '../kube/kube-http.js';
import { backoffMs, sleep } from '../kube/retry.js';
import type { NormalizedEvent, Pipeline } from '../pipeline/pipeline.js';
import type { WriteOutcome } from '../pipeline/ports.js';
import type { SourceInstance } from '../runtime/source-instance.js';
import { bucketOf } from './partitions/partitioning.js';

/** Marks Observations resolved (the writer does). */
export interface FindingResolver {
  resolve(namespace: string, name: string, source: string, signal?: AbortSignal): Promise<WriteOutcome>;
}

export interface FindingTrackerOptions {
  http: KubeHttp;
  instance: SourceInstance;
  pipeline: Pipeline;
  resolver: FindingResolver;
  log: Logger;
  pageSize?: number;
}

// Filtered findings are indexed too (so a rescan does not count them as filtered again), under
// a mark that keeps them apart from the written ones.
const FILTERED = '~';
const indexKey = (i: NormalizedEvent) => (i.filtered ? `${FILTERED}${i.key}` : i.key);

type ObservationPage = { items?: { metadata: { name: string; namespace: string; labels?: Record<string, string> }; status?: { resolvedAt?: string } }[]; metadata?: { continue?: string } };

/** The write-slot tenant of an instance's catch-up writes, so they take turns with its steady ones. */
export const catchUpTenant = (instance: string) => `${instance}#catch-up`;

/** The label an Observation of an informer source carries: the bucket of the object it came from. */
export const BUCKET_LABEL = 'zen.kube-zen.io/bucket';

/** The bucket of a watched object (its namespace's, or its name's when cluster-scoped). */
export function bucketOfObject(obj: KubeObject): number {
  return bucketOf(obj.metadata?.namespace || undefined, obj.metadata?.name);
}

/**
 * What a state-like informer source has found, kept by the host instead of the objects: per
 * watched object its resourceVersion and the Observations it yields (a {@link FindingIndex}),
 * so an update writes only the findings it adds, and a finding no object yields any more is
 * marked resolved (one request each). On start (and on a takeover) it first lists the
 * source's existing Observations, page by page, so the catch-up sync writes nothing for a
 * finding that is already recorded (no request per finding, no 409s), and resolves afterwards
 * those no object yields any more (deleted while nobody watched).
 */
export class FindingTracker {
  private readonly index = new FindingIndex();
  /** The count a plugin gave a finding itself, as last written (only such findings). */
  private readonly selfCounts = new Map<string, number>();
  /** `namespace/name` of the source's Observations found by a catch-up: resolved? and their bucket. */
  private existing = new Map<string, { resolved: boolean; bucket?: number }>();

  constructor(private readonly opts: FindingTrackerOptions) {}

  /** Findings known, for the memory figures. */
  get size(): { objects: number; findings: number } {
    return { objects: this.index.size, findings: this.index.findingCount };
  }

  /**
   * Lists the source's existing Observations in its scope (paged), all of them or only those of
   * `buckets` (partitions just taken over); retried until `signal`.
   */
  async loadExisting(signal: AbortSignal, buckets?: readonly number[]): Promise<void> {
    const { instance, http, log } = this.opts;
    const paths = instance.scope.length > 0 ? instance.scope.map((ns) => `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ns}/observations`) : ['/apis/zen.kube-zen.io/v1alpha1/observations'];
    const source = `${LABELS.source}=${instance.source}`;
    // Observations written before the bucket label existed are in no bucket's list: a takeover
    // lists them too (an empty list once they are all labelled), and handle() labels them.
    const selectors = buckets ? [`${source},${BUCKET_LABEL} in (${buckets.join(',')})`, `${source},!${BUCKET_LABEL}`] : [source];
    for (let attempt = 0; !signal.aborted; attempt++) {
      const found = new Map<string, { resolved: boolean; bucket?: number }>();
      try {
        for (const path of paths) for (const labelSelector of selectors) {
          let cont: string | undefined;
          do {
            const page = await http.request<ObservationPage>({ method: 'GET', path, query: { labelSelector, limit: this.opts.pageSize ?? 500, continue: cont }, signal });
            for (const o of page.items ?? []) {
              const bucket = o.metadata.labels?.[BUCKET_LABEL];
              found.set(`${o.metadata.namespace}/${o.metadata.name}`, { resolved: o.status?.resolvedAt !== undefined, bucket: bucket === undefined ? undefined : Number(bucket) });
            }
            cont = page.metadata?.continue || undefined;
          } while (cont);
        }
        for (const [k, v] of found) this.existing.set(k, v);
        log.info({ observations: found.size, buckets: buckets?.length }, 'existing Observations of this source listed for the catch-up');
        return;
      } catch (err) {
        log.warn({ err, attempt }, 'could not list existing Observations; retrying');
        await sleep(backoffMs(attempt, 500, 15_000), signal);
      }
    }
  }

  /** Forgets the objects of `buckets` (partitions handed to another pod): not resolved, only not ours. */
  forget(inBuckets: (bucket: number) => boolean): void {
    for (const object of [...this.index.objectKeys()]) {
      const [, key] = object.split('|');
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      if (inBuckets(bucketOf(namespace || undefined, key.slice(slash + 1)))) this.index.delete(object);
    }
    for (const [k, v] of this.existing) if (v.bucket !== undefined && inBuckets(v.bucket)) this.existing.delete(k);
  }

  /** Handles one callback of a runner; `resource` names the watched resource (gvr). */
  async handle(resource: string, type: InformerEventType, obj: KubeObject, sync: boolean): Promise<'done' | 'retry'> {
    const { instance, pipeline } = this.opts;
    const events = await instance.onEvent(type, obj);
    if (events === undefined) return 'done'; // the hook threw: counted and logged, nothing to keep
    const object = `${resource}|${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
    const receivedAt = new Date().toISOString();
    if (type === 'delete') {
      const written = events.length > 0 ? await pipeline.write(instance, pipeline.prepare(instance, events, receivedAt), this.writeOptions()) : undefined;
      if (written?.kind === 'retryAfter') return 'retry';
      await this.resolve(this.index.delete(object));
      return 'done';
    }
    const items = events.map((e) => pipeline.normalize(instance, e, receivedAt, sync));
    // Where it came from, so a partition's next owner lists exactly its Observations.
    const bucket = String(bucketOfObject(obj));
    for (const i of items) i.obs.metadata.labels = { ...i.obs.metadata.labels, [BUCKET_LABEL]: bucket };
    const keys = items.map(indexKey);
    const { added, removed } = this.index.diff(object, keys);
    const fresh = new Set(added);
    // A first list (sync) reports everything; only what is not recorded yet is written.
    // An update writes what it adds, and the findings whose own count (a plugin merging repeated
    // entries of a report) rose since the last time.
    const todo = sync ? items.filter((i) => this.unrecorded(i)) : items.filter((i) => fresh.delete(indexKey(i)) || this.countRose(i));
    if (sync) await this.labelUnbucketed(items, bucket);
    if (todo.length > 0) {
      const outcome = await pipeline.write(instance, pipeline.batch(instance, todo, sync), this.writeOptions(sync));
      // Not recorded yet: leave the index as it was, so the redelivery still sees these as new.
      if (outcome.kind === 'retryAfter') return 'retry';
    }
    this.index.set(object, obj.metadata?.resourceVersion ?? '', keys);
    for (const i of items) if (i.selfCounted && !i.filtered) this.selfCounts.set(i.key, i.change.atLeast ?? 1);
    await this.resolve(removed);
    return 'done';
  }

  /**
   * A catch-up is complete (every object of the source, or of `inBuckets`, handled):
   * Observations found by it that no object yields any more are resolved, and forgotten.
   */
  async finishCatchUp(inBuckets: (bucket: number | undefined) => boolean = () => true): Promise<void> {
    const orphans: string[] = [];
    for (const [key, e] of [...this.existing]) {
      if (e.bucket === undefined && !inBuckets(undefined)) {
        this.existing.delete(key); // unlabelled and not ours: not known to be gone, only not ours
        continue;
      }
      if (!inBuckets(e.bucket)) continue;
      this.existing.delete(key);
      if (!e.resolved && !this.index.yields(key)) orphans.push(key);
    }
    if (orphans.length > 0) this.opts.log.info({ resolved: orphans.length }, 'Observations no object reports any more are resolved');
    await this.resolve(orphans);
  }

  /**
   * During the catch-up: recorded findings whose Observation has no bucket label (written by a
   * version before it) get it, one merge patch each, once; without it every takeover of their
   * partition would miss them and try to create them again. A failure is left for the next
   * catch-up.
   */
  private async labelUnbucketed(items: readonly NormalizedEvent[], bucket: string): Promise<void> {
    const unlabelled = items.filter((i) => !i.filtered && this.existing.has(i.key) && this.existing.get(i.key)!.bucket === undefined);
    await Promise.all(
      unlabelled.map(async (i) => {
        const slash = i.key.indexOf('/');
        const path = `/apis/zen.kube-zen.io/v1alpha1/namespaces/${i.key.slice(0, slash)}/observations/${i.key.slice(slash + 1)}`;
        try {
          await this.opts.http.request({ method: 'PATCH', path, contentType: 'application/merge-patch+json', body: { metadata: { labels: { [BUCKET_LABEL]: bucket } } }, signal: this.opts.instance.signal });
          this.existing.get(i.key)!.bucket = Number(bucket);
        } catch (err) {
          this.opts.log.debug({ err, observation: i.key }, 'could not label an Observation with its bucket; the next catch-up tries again');
        }
      }),
    );
    if (unlabelled.length > 0) this.opts.log.info({ observations: unlabelled.length, bucket }, 'Observations from before the bucket label labelled');
  }

  /** A recorded finding whose plugin-given count is above the one last written. */
  private countRose(item: NormalizedEvent): boolean {
    return item.selfCounted && !item.filtered && (item.change.atLeast ?? 1) > (this.selfCounts.get(item.key) ?? 1);
  }

  /** During the catch-up: a finding not recorded yet, or recorded and resolved (seen again: reopened). */
  private unrecorded(item: NormalizedEvent): boolean {
    if (item.filtered || item.selfCounted) return true;
    const resolved = this.existing.get(item.key)?.resolved;
    if (resolved === undefined) return true;
    if (resolved) item.change = { ...item.change, add: 1 };
    return resolved;
  }

  /** A catch-up's writes queue apart from the instance's steady ones (slots alternate between them). */
  private writeOptions(sync = false) {
    return { priority: 'background' as const, signal: this.opts.instance.signal, tenant: sync ? catchUpTenant(this.opts.instance.id) : this.opts.instance.id };
  }

  private async resolve(found: readonly string[]): Promise<void> {
    for (const key of found) this.selfCounts.delete(key);
    // Filtered findings were never written: nothing to resolve.
    const keys = found.filter((k) => !k.startsWith(FILTERED));
    if (keys.length === 0) return;
    const { instance, resolver, log } = this.opts;
    const outcomes = await Promise.all(
      keys.map((key) => {
        const slash = key.indexOf('/');
        return resolver.resolve(key.slice(0, slash), key.slice(slash + 1), instance.source, instance.signal);
      }),
    );
    const failed = outcomes.filter((o) => o.kind !== 'merged' && o.kind !== 'created').length;
    if (failed > 0) log.warn({ failed, of: keys.length }, 'some findings could not be marked resolved; the next catch-up does it');
  }
}
