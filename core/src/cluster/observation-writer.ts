import type { Observation, ObservationStatus } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import { HostError, HostErrorCodes } from '../errors.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { PendingCount } from '../pipeline/dedup-cache.js';
import type { MergeMode, ObservationSink } from '../sinks/observation-sink.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import { isRetryable, retryDelayMs, sleep } from './retry.js';

const BASE = '/apis/zen.kube-zen.io/v1alpha1/namespaces';
const MERGE_PATCH = 'application/merge-patch+json';

export interface WriterOptions {
  queueSize: number;
  concurrency: number;
  /** Attempts per write before it fails (each waits per backoff or Retry-After). */
  maxAttempts?: number;
}

/**
 * Writes Observations to the API server: a bounded queue, bounded concurrency, retries with
 * backoff that honour Retry-After. Creating one that exists (409) merges instead — its
 * `status.count` raised and `lastSeenAt` moved — with resourceVersion-checked status patches, so
 * the same finding written by two pods at once is one Observation with both counted.
 */
export class ObservationWriter implements ObservationSink {
  private inflight = 0;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly http: KubeHttp,
    private readonly opts: WriterOptions,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
  ) {
    metrics.queueCapacity.set(opts.queueSize);
  }

  upsert(obs: Observation, mode: MergeMode): Promise<'created' | 'merged'> {
    // Shared across retries: once the create went through, a retry only writes the status (a
    // second POST would 409 and count this one occurrence twice).
    const progress: { created: boolean; resourceVersion?: string } = { created: false };
    return this.enqueue(() => this.doUpsert(obs, mode, progress));
  }

  async addCounts(counts: PendingCount[]): Promise<PendingCount[]> {
    const failed: PendingCount[] = [];
    await Promise.all(
      counts.map((c) =>
        this.enqueue(() => this.mergeStatus(c.namespace, c.name, (s) => ({ count: c.atLeast !== undefined ? Math.max(s.count, c.atLeast) : s.count + c.pending, lastSeenAt: later(s.lastSeenAt, c.lastSeenAt) }))).catch((err: unknown) => {
          if (err instanceof KubeApiError && err.status === 404) {
            // Deleted (GC or a person) since we wrote it: the count has nothing to land on.
            this.metrics.dropped.inc({ source: c.source, reason: 'observation_gone' });
            return;
          }
          failed.push(c);
        }),
      ),
    );
    return failed;
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new HostError(HostErrorCodes.SHUTTING_DOWN, 'the writer is closed', { retryAfterSeconds: 5 }));
    if (this.inflight >= this.opts.queueSize) {
      return Promise.reject(new HostError(HostErrorCodes.QUEUE_FULL, `the write queue is full (${this.opts.queueSize}); retry shortly`, { retryAfterSeconds: 1 }));
    }
    this.inflight++;
    this.metrics.queueDepth.set(this.inflight);
    return this.run(op).finally(() => {
      this.inflight--;
      this.metrics.queueDepth.set(this.inflight);
      if (this.inflight === 0) for (const r of this.idle.splice(0)) r();
    });
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    if (this.active >= this.opts.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    try {
      return await this.withRetries(op);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async withRetries<T>(op: () => Promise<T>): Promise<T> {
    const max = this.opts.maxAttempts ?? 8;
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        const reason = err instanceof KubeApiError ? `http_${err.status}` : 'network';
        this.metrics.writeErrors.inc({ reason });
        if (err instanceof KubeApiError && err.status === 404) throw err;
        if (!isRetryable(err)) {
          throw new HostError(HostErrorCodes.WRITE_REJECTED, `the API server refused the write (${err instanceof KubeApiError ? err.status : 'error'}): ${(err as Error).message}`, { cause: err });
        }
        if (attempt + 1 >= max) {
          throw new HostError(HostErrorCodes.WRITE_FAILED, `write failed after ${attempt + 1} attempt(s): ${(err as Error).message}`, { cause: err, retryAfterSeconds: 5 });
        }
        await sleep(retryDelayMs(err, attempt));
      }
    }
  }

  private async doUpsert(obs: Observation, mode: MergeMode, progress: { created: boolean; resourceVersion?: string }): Promise<'created' | 'merged'> {
    const { namespace, name } = obs.metadata;
    const status = obs.status!;
    const t0 = performance.now();
    try {
      if (!progress.created) {
        const created = await this.http.request<Observation>({ method: 'POST', path: `${BASE}/${namespace}/observations`, body: { ...obs, status: undefined } });
        progress.created = true;
        progress.resourceVersion = created.metadata?.resourceVersion;
      }
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      if (mode === 'ensure') return 'merged';
      await this.mergeStatus(namespace, name, (s) => ({
        count: mode === 'atLeast' ? Math.max(s.count, status.count) : s.count + status.count,
        lastSeenAt: later(s.lastSeenAt, status.lastSeenAt),
      }));
      this.metrics.writeDuration.observe({ operation: 'merge' }, (performance.now() - t0) / 1000);
      return 'merged';
    }
    // The status subresource ignores status on create; it is written by its own request, checked
    // against the version we created. If someone merged in between (another pod, or a second
    // event of this batch), they counted our Observation as 1 while it had no status: add the
    // rest of ours to theirs instead of overwriting their count.
    try {
      await this.patchStatus(namespace, name, status, progress.resourceVersion);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      await this.mergeStatus(namespace, name, (s) => ({
        count: mode === 'atLeast' ? Math.max(s.count, status.count) : s.count + status.count - 1,
        lastSeenAt: later(s.lastSeenAt, status.lastSeenAt),
      }));
    }
    this.metrics.writeDuration.observe({ operation: 'create' }, (performance.now() - t0) / 1000);
    return 'created';
  }

  private patchStatus(namespace: string, name: string, status: ObservationStatus, resourceVersion?: string): Promise<unknown> {
    const body: Record<string, unknown> = { status };
    if (resourceVersion) body.metadata = { resourceVersion };
    return this.http.request({ method: 'PATCH', path: `${BASE}/${namespace}/observations/${name}/status`, body, contentType: MERGE_PATCH });
  }

  /** Read-modify-write of the status, checked by resourceVersion and retried on conflict. */
  private async mergeStatus(namespace: string, name: string, next: (current: ObservationStatus) => Pick<ObservationStatus, 'count' | 'lastSeenAt'>): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.http.request<Observation>({ method: 'GET', path: `${BASE}/${namespace}/observations/${name}` });
      const s: ObservationStatus = current.status ?? { count: 1, lastSeenAt: current.spec.detectedAt, firstSeenAt: current.spec.detectedAt };
      try {
        await this.patchStatus(namespace, name, { ...s, ...next(s) }, current.metadata.resourceVersion);
        return;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 409)) throw err;
      }
    }
    throw new HostError(HostErrorCodes.WRITE_FAILED, `status of ${namespace}/${name} kept changing under us`);
  }

  async close(): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((r) => this.idle.push(r));
    this.closed = true;
  }
}

function later(a: string | undefined, b: string): string {
  return a && Date.parse(a) > Date.parse(b) ? a : b;
}
