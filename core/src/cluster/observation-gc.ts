import type { Observation } from '@zen-watcher/sdk';
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
}

/**
 * Leader-only garbage collection: every interval, pages through Observations in scope and
 * deletes those past `ttlSecondsAfterCreation` (their own, else the default), each delete
 * preconditioned on the uid it saw so a recreated Observation of the same name is spared.
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
          const created = Date.parse(obs.metadata.creationTimestamp ?? '');
          if (!Number.isFinite(created) || ttl <= 0 || created + ttl * 1000 > now) continue;
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
