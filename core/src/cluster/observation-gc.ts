import { LABELS, type Observation } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';
import { sleep } from '../kube/retry.js';
import type { Runnable } from '../runtime/manager.js';

export interface ObservationGcOptions {
  http: KubeHttp;
  /** Namespaces swept; empty = all. */
  scope: readonly string[];
  defaultTtlSeconds: number;
  intervalSeconds: number;
  metrics: HostMetrics;
  log: Logger;
  /**
   * Sources whose findings are tracked while they run (state-like informers): their
   * Observations expire `ttl` after `status.resolvedAt`, and not while still reported.
   */
  trackedSources?: () => ReadonlySet<string>;
}

/**
 * Leader-only garbage collection: every interval, pages through Observations in scope and
 * deletes those past their TTL (`ttlSecondsAfterCreation`, their own, else the default), each
 * delete preconditioned on the uid it saw so a recreated Observation of the same name is
 * spared. The TTL of a state-like source's finding runs from when it was resolved: a
 * vulnerability still in its report is never collected.
 */
export class ObservationGc implements Runnable {
  readonly name = 'gc';
  readonly runs = 'leader';
  private loop?: Promise<void>;

  constructor(private readonly opts: ObservationGcOptions) {}

  async start(signal: AbortSignal): Promise<void> {
    this.loop = this.run(signal);
  }

  async stop(): Promise<void> {
    await this.loop;
    this.loop = undefined;
  }

  /** Runs until `signal` aborts. */
  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const deleted = await this.sweep(signal);
        if (deleted > 0) this.opts.log.info({ deleted }, 'expired Observations deleted');
      } catch (err) {
        if (!signal.aborted) this.opts.log.warn({ err }, 'Observation GC sweep failed; next sweep at the next interval');
      }
      await sleep(this.opts.intervalSeconds * 1000, signal);
    }
  }

  /** One pass; returns how many Observations it deleted. */
  async sweep(signal?: AbortSignal): Promise<number> {
    let deleted = 0;
    const now = Date.now();
    const tracked = this.opts.trackedSources?.() ?? new Set<string>();
    const paths = this.opts.scope.length
      ? this.opts.scope.map((ns) => `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ns}/observations`)
      : ['/apis/zen.kube-zen.io/v1alpha1/observations'];
    for (const path of paths) {
      let cont: string | undefined;
      do {
        const page = await this.opts.http.request<{ items?: Observation[]; metadata?: { continue?: string } }>({ method: 'GET', path, query: { limit: 500, continue: cont }, signal });
        for (const obs of page.items ?? []) {
          if (signal?.aborted) return deleted;
          const ttl = obs.spec?.ttlSecondsAfterCreation ?? this.opts.defaultTtlSeconds;
          const since = expiresFrom(obs, tracked);
          if (since === undefined || !Number.isFinite(since) || ttl <= 0 || since + ttl * 1000 > now) continue;
          try {
            await this.opts.http.request({
              method: 'DELETE',
              path: `/apis/zen.kube-zen.io/v1alpha1/namespaces/${obs.metadata.namespace}/observations/${obs.metadata.name}`,
              body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: obs.metadata.uid } },
            });
            deleted++;
            this.opts.metrics.gcDeleted.inc();
          } catch (err) {
            // 404: someone deleted it first; 409: it was recreated (uid changed). Both are fine.
            if (!(err instanceof KubeApiError && (err.status === 404 || err.status === 409))) throw err;
          }
        }
        cont = page.metadata?.continue || undefined;
      } while (cont);
    }
    return deleted;
  }
}

/**
 * When an Observation's TTL starts: at `status.resolvedAt` once its state-like source stopped
 * reporting it; never while a running state-like source still reports it (undefined); else at
 * creation (webhook and event-like findings, and those of a source no longer running).
 */
function expiresFrom(obs: Observation, tracked: ReadonlySet<string>): number | undefined {
  if (obs.status?.resolvedAt) return Date.parse(obs.status.resolvedAt);
  if (tracked.has(obs.spec?.source ?? obs.metadata.labels?.[LABELS.source] ?? '')) return undefined;
  return Date.parse(obs.metadata.creationTimestamp ?? '');
}
