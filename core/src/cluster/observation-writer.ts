import type { Observation, ObservationStatus } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { ApiAvailability } from '../kube/api-availability.js';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';
import { applyChange, initialCount, isNoop, remainderAfterFirst, type CountChange } from '../pipeline/count-change.js';
import type { ObservationSink, PendingCount, WriteOptions, WriteOutcome } from '../pipeline/ports.js';
import { classifyWriteError } from './write-errors.js';
import { WriteSlots } from './write-slots.js';

const BASE = '/apis/zen.kube-zen.io/v1alpha1/namespaces';
const MERGE_PATCH = 'application/merge-patch+json';

export interface WriterOptions {
  queueSize: number;
  concurrency: number;
  /** Attempts of a live write that has no deadline before it answers `retryAfter`. */
  maxAttempts?: number;
}

/** How far a create got, shared by its retries. */
interface CreateProgress {
  created: boolean;
  resourceVersion?: string;
  /** The API server read the new Observation back with the CRD's default status (count 1). */
  defaulted?: boolean;
}

/** Why an operation gave up: the outcome to hand back, already decided. */
class GaveUp extends Error {
  constructor(readonly outcome: Exclude<WriteOutcome, { kind: 'created' | 'merged' }>) {
    super(outcome.message);
  }
}

/**
 * Writes Observations to the API server: a bounded queue for live writes, bounded concurrency
 * with live writes served first, and the one retry loop of the write path (backoff, Retry-After,
 * a deadline for live writes; background writes retry until their signal aborts). Creating one
 * that exists (409) merges instead, with resourceVersion-checked status patches, so the same
 * finding written by two pods at once is one Observation with both counted.
 */
export class ObservationWriter implements ObservationSink {
  private inflight = 0;
  private closed = false;
  private readonly idle: (() => void)[] = [];
  private readonly slots: WriteSlots;

  constructor(
    private readonly http: KubeHttp,
    private readonly opts: WriterOptions,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
  ) {
    this.slots = new WriteSlots(opts.concurrency);
  }

  upsert(obs: Observation, change: CountChange, options: WriteOptions): Promise<WriteOutcome> {
    // Shared across retries: once the create went through, a retry only writes the status (a
    // second POST would 409 and count this one occurrence twice).
    const progress: CreateProgress = { created: false };
    return this.enqueue(options, (timeoutMs) => this.doUpsert(obs, change, progress, timeoutMs));
  }

  async addCounts(counts: readonly PendingCount[]): Promise<PendingCount[]> {
    const failed: PendingCount[] = [];
    await Promise.all(
      counts.map(async (c) => {
        const outcome = await this.enqueue({ priority: 'background' }, async () => {
          try {
            await this.mergeStatus(c.namespace, c.name, c.change);
          } catch (err) {
            // Deleted (GC or a person) since we wrote it: the count has nothing to land on.
            if (!(err instanceof KubeApiError && err.status === 404)) throw err;
            this.metrics.dropped.inc({ source: c.source, reason: 'observation_gone' });
          }
          return 'merged' as const;
        });
        if (outcome.kind === 'retryAfter') failed.push(c);
        else if (outcome.kind === 'rejected') this.metrics.dropped.inc({ source: c.source, reason: outcome.reason });
      }),
    );
    return failed;
  }

  private async enqueue(options: WriteOptions, op: (timeoutMs?: number) => Promise<'created' | 'merged'>): Promise<WriteOutcome> {
    if (this.closed) return { kind: 'retryAfter', seconds: 5, reason: 'shutting_down', message: 'the writer is closed' };
    const availability = this.http.availability;
    // Nobody is there to write to: say so at once instead of letting each request find out.
    if (options.priority === 'live' && !availability.up) return unavailable(availability);
    if (options.priority === 'live' && this.inflight >= this.opts.queueSize) {
      return { kind: 'retryAfter', seconds: 1, reason: 'queue_full', message: `the write queue is full (${this.opts.queueSize}); retry shortly` };
    }
    this.inflight++;
    this.metrics.queueDepth.set(this.inflight);
    try {
      const release = await this.slots.acquire(options.priority, options.tenant, options.deadline);
      // Its sender has given up: a write started now would land behind its back.
      if (!release) return { kind: 'retryAfter', seconds: 1, reason: 'timeout', message: 'the write waited longer than the webhook write timeout; retry' };
      try {
        return { kind: await this.withRetries(op, options) };
      } finally {
        release();
      }
    } catch (err) {
      if (err instanceof GaveUp) return err.outcome;
      throw err;
    } finally {
      this.inflight--;
      this.metrics.queueDepth.set(this.inflight);
      if (this.inflight === 0) for (const r of this.idle.splice(0)) r();
    }
  }

  private async withRetries<T>(op: (timeoutMs?: number) => Promise<T>, options: WriteOptions): Promise<T> {
    const maxAttempts = options.priority === 'live' && options.deadline === undefined ? (this.opts.maxAttempts ?? 8) : Infinity;
    const availability = this.http.availability;
    for (let attempt = 0; ; attempt++) {
      if (options.signal?.aborted) throw new GaveUp({ kind: 'retryAfter', seconds: 1, reason: 'shutting_down', message: 'the write was abandoned: its source stopped' });
      if (!availability.up) {
        if (options.priority === 'live') throw new GaveUp(unavailable(availability));
        // Background work waits for the API server without spending attempts.
        await availability.whenUp(options.signal);
        continue;
      }
      // A live write's request may not outlive its sender's patience.
      const left = options.deadline === undefined ? undefined : Math.floor(options.deadline - performance.now());
      if (left !== undefined && left <= 0) throw new GaveUp({ kind: 'retryAfter', seconds: 1, reason: 'timeout', message: 'the write did not finish within the webhook write timeout; retry' });
      try {
        return await op(left === undefined ? undefined : Math.min(30_000, left));
      } catch (err) {
        const failure = classifyWriteError(err, attempt);
        this.metrics.writeErrors.inc({ reason: failure.label });
        if (failure.kind === 'rejected') throw new GaveUp({ kind: 'rejected', reason: failure.reason, message: failure.message });
        const late = options.deadline !== undefined && performance.now() + failure.afterMs > options.deadline;
        if (late || attempt + 1 >= maxAttempts) {
          this.log.warn({ err, attempts: attempt + 1 }, 'Observation write not done in time; the caller retries');
          throw new GaveUp({ kind: 'retryAfter', seconds: Math.max(1, Math.ceil(failure.afterMs / 1000)), reason: late ? 'timeout' : 'unavailable', message: `write failed after ${attempt + 1} attempt(s): ${(err as Error).message}` });
        }
        // Woken early when the API server comes back: no backoff tail after an outage.
        await availability.pause(failure.afterMs, options.signal);
      }
    }
  }

  private async doUpsert(obs: Observation, change: CountChange, progress: CreateProgress, timeoutMs?: number): Promise<'created' | 'merged'> {
    const { namespace, name } = obs.metadata;
    const t0 = performance.now();
    try {
      if (!progress.created) {
        const created = await this.http.request<Observation>({ method: 'POST', path: `${BASE}/${namespace}/observations`, body: { ...obs, status: undefined }, timeoutMs });
        progress.created = true;
        progress.resourceVersion = created.metadata?.resourceVersion;
        progress.defaulted = created.status?.count === 1;
      }
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      if (!isNoop(change)) await this.mergeStatus(namespace, name, change);
      this.metrics.writeDuration.observe({ operation: 'merge' }, (performance.now() - t0) / 1000);
      return 'merged';
    }
    // A first sighting costs this one request: the CRD's status default reads back as count 1
    // (the create's own answer says so). Only a create carrying more (repeats folded into it, an
    // Event's own count), or an API server that does not default the status (an old CRD), needs
    // the status written by its own request, checked against the version we created. If someone
    // merged in between (another pod, or a second event of this batch), they counted our
    // Observation as 1: add the rest of ours to theirs instead of overwriting their count.
    const count = initialCount(change);
    if (!(count === 1 && progress.defaulted)) {
      const status: ObservationStatus = { ...obs.status!, count, lastSeenAt: change.lastSeenAt };
      try {
        await this.patchStatus(namespace, name, status, progress.resourceVersion);
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
        await this.mergeStatus(namespace, name, remainderAfterFirst(change));
      }
    }
    this.metrics.writeDuration.observe({ operation: 'create' }, (performance.now() - t0) / 1000);
    return 'created';
  }

  /**
   * Marks an Observation resolved: its state-like source no longer reports the finding. One
   * request, no read: setting the time is idempotent. An Observation already gone is fine.
   */
  resolve(namespace: string, name: string, source: string, signal?: AbortSignal): Promise<WriteOutcome> {
    return this.enqueue({ priority: 'background', signal, tenant: source }, async () => {
      try {
        await this.http.request({ method: 'PATCH', path: `${BASE}/${namespace}/observations/${name}/status`, body: { status: { resolvedAt: new Date().toISOString() } }, contentType: MERGE_PATCH });
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      }
      return 'merged';
    });
  }

  private patchStatus(namespace: string, name: string, status: ObservationStatus, resourceVersion?: string): Promise<unknown> {
    const body: Record<string, unknown> = { status };
    if (resourceVersion) body.metadata = { resourceVersion };
    return this.http.request({ method: 'PATCH', path: `${BASE}/${namespace}/observations/${name}/status`, body, contentType: MERGE_PATCH });
  }

  /** Read-modify-write of the status, checked by resourceVersion and retried on conflict. */
  private async mergeStatus(namespace: string, name: string, change: CountChange): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.http.request<Observation>({ method: 'GET', path: `${BASE}/${namespace}/observations/${name}` });
      const s: ObservationStatus = current.status ?? { count: 1 };
      // Seen again: a finding its report had dropped is open again.
      const reopened = s.resolvedAt !== undefined && !isNoop(change) ? { resolvedAt: null } : {};
      try {
        await this.patchStatus(namespace, name, { ...s, ...applyChange({ count: s.count, lastSeenAt: s.lastSeenAt ?? current.spec.detectedAt }, change), ...reopened } as ObservationStatus, current.metadata.resourceVersion);
        return;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      }
    }
    throw new KubeApiError(503, 'Conflict', `status of ${namespace}/${name} kept changing under us`);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.inflight > 0) await new Promise<void>((r) => this.idle.push(r));
  }
}

function unavailable(availability: ApiAvailability): Extract<WriteOutcome, { kind: 'retryAfter' }> {
  return { kind: 'retryAfter', seconds: availability.retryAfterSeconds, reason: 'unavailable', message: availability.problem() ?? 'the Kubernetes API server is unreachable' };
}
