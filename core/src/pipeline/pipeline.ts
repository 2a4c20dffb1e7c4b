import type { Observation, SourceEvent } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { MergeMode, ObservationSink } from '../sinks/observation-sink.js';
import { DedupCache, type PendingCount } from './dedup-cache.js';
import type { EventFilter } from './event-filter.js';
import { dedupKeyOf, toObservation } from './normalize.js';

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
}

/**
 * filter → dedup → normalize → write, each stage counted per source. `process` resolves once
 * every kept event is durable in the sink (created or merged) or absorbed by the dedup cache,
 * whose counts `flush` writes later; it rejects (nothing half-acknowledged) when the sink
 * refuses, so a webhook can answer 429/503 and the sender retries.
 */
export class Pipeline {
  private flushing?: Promise<void>;

  constructor(
    private readonly sink: ObservationSink,
    private readonly dedup: DedupCache,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
  ) {}

  /**
   * `sync` marks events re-derived from a relist (start, takeover, 410): a finding already
   * recorded is left as it is rather than counted again, which makes catch-up idempotent.
   */
  async process(src: PipelineSource, events: readonly SourceEvent[], receivedAt: string, options: { sync?: boolean } = {}): Promise<PipelineResult> {
    const result: PipelineResult = { received: events.length, created: 0, merged: 0, deduped: 0, filtered: 0 };
    const writes: Promise<void>[] = [];
    // Repeats of one finding within a batch (an NDJSON burst, an EventList) become one write
    // carrying their count, not concurrent writes racing on one Observation.
    const batch = new Map<string, { obs: Observation; mode: MergeMode; events: number }>();
    for (const event of events) {
      const reason = src.filter(event);
      if (reason) {
        result.filtered++;
        this.metrics.filtered.inc({ source: src.source, reason });
        continue;
      }
      const key = dedupKeyOf(event, src.dedup.fields);
      const obs = toObservation(event, key, {
        source: src.source,
        defaultNamespace: src.defaultNamespace,
        scope: src.scope,
        ttlSecondsAfterCreation: src.ttlSecondsAfterCreation,
        receivedAt,
      });
      const name = obs.metadata.name;
      if (options.sync && event.count === undefined && this.dedup.has(name)) continue;
      if (!options.sync && src.dedup.enabled && this.dedup.absorb(name, obs.status!.lastSeenAt, event.count)) {
        result.deduped++;
        this.metrics.deduped.inc({ source: src.source });
        continue;
      }
      const mode: MergeMode = event.count !== undefined ? 'atLeast' : options.sync ? 'ensure' : 'increment';
      const seen = batch.get(name);
      if (seen) {
        const s = seen.obs.status!;
        s.count = seen.mode === 'atLeast' && mode === 'atLeast' ? Math.max(s.count, obs.status!.count) : s.count + (mode === 'ensure' ? 0 : 1);
        if (seen.mode === 'ensure' && mode !== 'ensure') seen.mode = mode;
        if (obs.status!.lastSeenAt > s.lastSeenAt) s.lastSeenAt = obs.status!.lastSeenAt;
        seen.events++;
        continue;
      }
      batch.set(name, { obs, mode, events: 1 });
    }
    for (const [name, { obs, mode, events: n }] of batch) {
      writes.push(
        this.sink.upsert(obs, mode).then((outcome) => {
          if (outcome === 'created') {
            result.created++;
            this.metrics.created.inc({ source: src.source, severity: obs.spec.severity, category: obs.spec.category });
            if (n > 1) {
              result.merged += n - 1;
              this.metrics.merged.inc({ source: src.source }, n - 1);
            }
          } else {
            result.merged += n;
            this.metrics.merged.inc({ source: src.source }, n);
          }
          if (src.dedup.enabled) {
            const evicted = this.dedup.remember({ namespace: obs.metadata.namespace, name, source: src.source, windowMs: src.dedup.windowMs, lastSeenAt: obs.status!.lastSeenAt });
            if (evicted.length > 0) void this.writeCounts(evicted);
          }
        }),
      );
    }
    if (writes.length === 1) await writes[0];
    else if (writes.length > 1) {
      const settled = await Promise.allSettled(writes);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return result;
  }

  /** Writes the counts the dedup cache absorbed. Concurrent calls share one flush. */
  flush(): Promise<void> {
    this.flushing ??= this.writeCounts(this.dedup.drainPending()).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeCounts(counts: PendingCount[]): Promise<void> {
    if (counts.length === 0) return;
    try {
      const failed = await this.sink.addCounts(counts);
      if (failed.length > 0) this.dedup.restore(failed);
    } catch (err) {
      this.log.warn({ err, counts: counts.length }, 'count update failed; will retry at the next flush');
      this.dedup.restore(counts);
    }
  }
}
