import type { Observation, SourceEvent } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { changeOf, combine, type CountChange } from './count-change.js';
import type { DedupCache } from './dedup-cache.js';
import type { EventFilter, FilterReason } from './event-filter.js';
import { dedupKeyOf, toObservation } from './normalize.js';
import type { ObservationSink, PendingCount, RejectReason, RetryReason, WriteOptions, WriteOutcome } from './ports.js';

/** What the pipeline needs to know about the source instance an event came from. */
export interface PipelineSource {
  /** The plugin name: `spec.source`, the metric label. */
  readonly source: string;
  readonly filter: EventFilter;
  readonly dedup: { enabled: boolean; windowMs: number; fields?: readonly string[] };
  readonly defaultNamespace: string;
  readonly scope: readonly string[];
  readonly ttlSecondsAfterCreation: number;
}

/** What happened to a batch of events; a webhook returns it as its answer. */
export interface PipelineResult {
  received: number;
  created: number;
  merged: number;
  deduped: number;
  filtered: number;
  /** Refused for good by the store (counted as dropped); present only when some were. */
  rejected?: number;
}

/**
 * What a batch came to. `retryAfter`: some events are not durable; the caller should send
 * them again after `seconds` (a webhook answers 429/503, an informer waits). `rejected`: the
 * store refused them for good; sending them again cannot help (they are counted as dropped).
 */
export type PipelineOutcome =
  | { kind: 'written'; result: PipelineResult }
  | { kind: 'retryAfter'; seconds: number; reason: RetryReason; message: string; result: PipelineResult }
  | { kind: 'rejected'; reason: RejectReason; message: string; result: PipelineResult };

/** One Observation to write, with the change the batch's events make to its count. */
export interface PreparedWrite {
  obs: Observation;
  change: CountChange;
  /** Events of the batch folded into this write. */
  events: number;
}

/** One event normalised: the Observation it becomes, keyed `namespace/name`, and why it is filtered. */
export interface NormalizedEvent {
  key: string;
  obs: Observation;
  change: CountChange;
  filtered?: FilterReason;
  /** The source counts this finding itself (an Event's `count`). */
  selfCounted: boolean;
}

/** A batch after filtering, normalising and dedup: the writes it needs, by `namespace/name`. */
export interface PreparedBatch {
  result: PipelineResult;
  writes: Map<string, PreparedWrite>;
}

export interface ProcessOptions extends WriteOptions {
  /**
   * Events re-derived from a relist (start, takeover, 410): a finding already recorded is left
   * as it is rather than counted again, which makes catch-up idempotent.
   */
  sync?: boolean;
}

export interface PipelineDeps {
  sink: ObservationSink;
  dedup: DedupCache;
  metrics: HostMetrics;
  log: Logger;
}

/**
 * filter → dedup → normalize → write, each stage counted per source. `process` resolves once
 * every kept event is durable in the sink (created or merged) or absorbed by the dedup cache,
 * whose counts `flush` writes later, or with the reason it is not. It is the one place that
 * decides what a write's outcome means for the events (counted, retried, dropped).
 */
export class Pipeline {
  private flushing?: Promise<void>;

  constructor(private readonly deps: PipelineDeps) {}

  async process(src: PipelineSource, events: readonly SourceEvent[], receivedAt: string, options: ProcessOptions): Promise<PipelineOutcome> {
    return this.write(src, this.prepare(src, events, receivedAt, options), options);
  }

  /**
   * Filters and normalises a batch and absorbs repeats (live events only). Repeats of one
   * finding within a batch (an NDJSON burst, an EventList) become one write carrying their
   * count, not concurrent writes racing on one Observation.
   */
  prepare(src: PipelineSource, events: readonly SourceEvent[], receivedAt: string, options: { sync?: boolean } = {}): PreparedBatch {
    return this.batch(src, events.map((e) => this.normalize(src, e, receivedAt, options.sync === true)), options.sync === true);
  }

  /**
   * One event as the Observation it becomes (its `namespace/name` is `key`), with the filter's
   * verdict; nothing is counted yet. An informer source uses it to tell, by key, which of an
   * object's findings are new before any of them is counted or written.
   */
  normalize(src: PipelineSource, event: SourceEvent, receivedAt: string, sync: boolean): NormalizedEvent {
    const obs = toObservation(event, dedupKeyOf(event, src.dedup.fields), {
      source: src.source,
      defaultNamespace: src.defaultNamespace,
      scope: src.scope,
      ttlSecondsAfterCreation: src.ttlSecondsAfterCreation,
      receivedAt,
    });
    const normalized: NormalizedEvent = { key: `${obs.metadata.namespace}/${obs.metadata.name}`, obs, change: changeOf(event.count, sync, obs.spec.detectedAt), selfCounted: event.count !== undefined };
    const filtered = src.filter(event);
    if (filtered) normalized.filtered = filtered;
    return normalized;
  }

  /** Counts the filtered, absorbs repeats, folds the rest into one write per Observation. */
  batch(src: PipelineSource, items: readonly NormalizedEvent[], sync: boolean): PreparedBatch {
    const { metrics, dedup } = this.deps;
    const result: PipelineResult = { received: items.length, created: 0, merged: 0, deduped: 0, filtered: 0 };
    const writes = new Map<string, PreparedWrite>();
    for (const { key, obs, change, filtered, selfCounted } of items) {
      if (filtered) {
        result.filtered++;
        metrics.filtered.inc({ source: src.source, reason: filtered });
        continue;
      }
      if (sync && !selfCounted && dedup.has(obs.metadata)) continue;
      if (!sync && src.dedup.enabled && dedup.absorb(obs.metadata, change)) {
        result.deduped++;
        metrics.deduped.inc({ source: src.source });
        continue;
      }
      const seen = writes.get(key);
      if (seen) {
        seen.change = combine(seen.change, change);
        seen.events++;
      } else writes.set(key, { obs, change, events: 1 });
    }
    return { result, writes };
  }

  /** Writes a prepared batch; resolves with what it came to (never rejects). */
  async write(src: PipelineSource, batch: PreparedBatch, options: WriteOptions): Promise<PipelineOutcome> {
    const { result } = batch;
    const pending = [...batch.writes.values()];
    const outcomes = await Promise.all(pending.map((w) => this.deps.sink.upsert(w.obs, w.change, options)));
    let retry: Extract<WriteOutcome, { kind: 'retryAfter' }> | undefined;
    let refused: Extract<WriteOutcome, { kind: 'rejected' }> | undefined;
    outcomes.forEach((outcome, i) => {
      const w = pending[i];
      if (outcome.kind === 'created' || outcome.kind === 'merged') this.written(src, w, outcome.kind, result);
      else if (outcome.kind === 'retryAfter') {
        if (!retry || outcome.seconds > retry.seconds) retry = outcome;
      } else {
        refused ??= outcome;
        result.rejected = (result.rejected ?? 0) + w.events;
        this.deps.metrics.dropped.inc({ source: src.source, reason: outcome.reason }, w.events);
        this.deps.log.error({ source: src.source, observation: `${w.obs.metadata.namespace}/${w.obs.metadata.name}`, reason: outcome.reason, message: outcome.message }, 'the store refused this Observation for good; its events are dropped');
      }
    });
    if (retry) return { ...retry, result };
    const written = result.created + result.merged + result.deduped;
    if (refused && written === 0 && result.filtered < result.received) return { kind: 'rejected', reason: refused.reason, message: refused.message, result };
    return { kind: 'written', result };
  }

  private written(src: PipelineSource, w: PreparedWrite, kind: 'created' | 'merged', result: PipelineResult): void {
    const { metrics, dedup } = this.deps;
    if (kind === 'created') {
      result.created++;
      metrics.created.inc({ source: src.source, severity: w.obs.spec.severity, category: w.obs.spec.category });
      if (w.events > 1) {
        result.merged += w.events - 1;
        metrics.merged.inc({ source: src.source }, w.events - 1);
      }
    } else {
      result.merged += w.events;
      metrics.merged.inc({ source: src.source }, w.events);
    }
    if (src.dedup.enabled) {
      const evicted = dedup.remember({ namespace: w.obs.metadata.namespace, name: w.obs.metadata.name, source: src.source, windowMs: src.dedup.windowMs });
      if (evicted.length > 0) void this.writeCounts(evicted);
    }
  }

  /** Writes the counts the dedup cache absorbed. Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.writeCounts(this.deps.dedup.drainPending()).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeCounts(counts: PendingCount[]): Promise<void> {
    if (counts.length === 0) return;
    try {
      const failed = await this.deps.sink.addCounts(counts);
      if (failed.length > 0) this.deps.dedup.restore(failed);
    } catch (err) {
      this.deps.log.warn({ err, counts: counts.length }, 'count update failed; will retry at the next flush');
      this.deps.dedup.restore(counts);
    }
  }
}
