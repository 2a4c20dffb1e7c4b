import type { Observation } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import { sleep } from './retry.js';

/**
 * Leader-only garbage collection: every interval, pages through Observations in scope and
 * deletes those past `ttlSecondsAfterCreation` (their own, else the default), each delete
 * preconditioned on the uid it saw so a recreated Observation of the same name is spared.
 */
export class ObservationGc {
  constructor(
    private readonly http: KubeHttp,
    private readonly scope: readonly string[],
    private readonly defaultTtlSeconds: number,
    private readonly intervalSeconds: number,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
  ) {}

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const deleted = await this.sweep(signal);
        if (deleted > 0) this.log.info({ deleted }, 'expired Observations deleted');
      } catch (err) {
        if (!signal.aborted) this.log.warn({ err }, 'Observation GC sweep failed; next sweep at the next interval');
      }
      await sleep(this.intervalSeconds * 1000, signal);
    }
  }

  /** One pass; returns how many Observations it deleted. */
  async sweep(signal?: AbortSignal): Promise<number> {
    let deleted = 0;
    const now = Date.now();
    const paths = this.scope.length
      ? this.scope.map((ns) => `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ns}/observations`)
      : ['/apis/zen.kube-zen.io/v1alpha1/observations'];
    for (const path of paths) {
      let cont: string | undefined;
      do {
        const page = await this.http.request<{ items?: Observation[]; metadata?: { continue?: string } }>({ method: 'GET', path, query: { limit: 500, continue: cont }, signal });
        for (const obs of page.items ?? []) {
          if (signal?.aborted) return deleted;
          const ttl = obs.spec?.ttlSecondsAfterCreation ?? this.defaultTtlSeconds;
          const created = Date.parse(obs.metadata.creationTimestamp ?? '');
          if (!Number.isFinite(created) || ttl <= 0 || created + ttl * 1000 > now) continue;
          try {
            await this.http.request({
              method: 'DELETE',
              path: `/apis/zen.kube-zen.io/v1alpha1/namespaces/${obs.metadata.namespace}/observations/${obs.metadata.name}`,
              body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: obs.metadata.uid } },
            });
            deleted++;
            this.metrics.gcDeleted.inc();
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
