import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { SourceInstance } from '../runtime/source-instance.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import { InformerRunner, type RunnerHealth } from './informer-runner.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import { isRetryable } from './retry.js';

/** Health of one informer instance's runners, for its Ingester's status. */
export type InstanceHealth = (instance: SourceInstance, health: RunnerHealth) => void;

/**
 * Runs the informer-kind sources while this pod leads: one runner per watched resource and
 * namespace of each instance. Instances added, changed or removed while leading start and stop
 * live; losing leadership stops them all (their signals abort).
 */
export class InformerSupervisor {
  private readonly runners = new Map<string, InformerRunner[]>();
  private signal?: AbortSignal;

  constructor(
    private readonly http: KubeHttp,
    private readonly sources: SourceRegistry,
    private readonly pipeline: Pipeline,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
    private readonly stallSeconds: number,
    private readonly onHealth: InstanceHealth,
    /** False for a namespace shard (WATCH_NAMESPACE set): cluster-scoped resources belong to no shard. */
    private readonly clusterScoped = true,
  ) {
    sources.onInformerChange(({ added, removed }) => {
      if (removed) void this.stopInstance(removed.id);
      if (added && this.signal && !this.signal.aborted) this.startInstance(added);
    });
  }

  get leading(): boolean {
    return this.signal !== undefined && !this.signal.aborted;
  }

  /** Starts every informer instance; they stop when `signal` aborts or `stopAll` is called. */
  startLeading(signal: AbortSignal): void {
    this.signal = signal;
    for (const instance of this.sources.all()) if (instance.kind === 'informer') this.startInstance(instance);
  }

  async stopAll(): Promise<void> {
    this.signal = undefined;
    await Promise.all([...this.runners.keys()].map((id) => this.stopInstance(id)));
  }

  private startInstance(instance: SourceInstance): void {
    if (this.runners.has(instance.id)) return;
    const namespaces = instance.scope.length > 0 ? instance.scope : [undefined];
    const list: InformerRunner[] = [];
    const healthBy = new Map<InformerRunner, RunnerHealth>();
    for (const resource of instance.resources()) {
      if (resource.namespaced === false && !this.clusterScoped) {
        // A shard's RBAC is namespaced; cluster-scoped reports are for an unsharded deployment.
        instance.log.info({ resource: resource.plural }, 'cluster-scoped resource skipped: this deployment is a namespace shard (WATCH_NAMESPACE)');
        continue;
      }
      for (const namespace of resource.namespaced === false ? [undefined] : namespaces) {
        const runner: InformerRunner = new InformerRunner(
          this.http,
          { source: instance.source, resource, namespace, stallSeconds: this.stallSeconds },
          async (type, obj, old, sync) => {
            const events = await instance.onEvent(type, obj, old);
            if (!events || events.length === 0) return;
            try {
              await this.pipeline.process(instance, events, new Date().toISOString(), { sync });
            } catch (err) {
              // The API server refused the write for good (a 4xx: a Terminating namespace, an
              // admission webhook): retrying would block this watch forever. Count and go on.
              const cause = (err as { cause?: unknown }).cause;
              if (!(cause instanceof KubeApiError) || isRetryable(cause)) throw err;
              this.metrics.dropped.inc({ source: instance.source, reason: `rejected_${cause.status}` }, events.length);
              instance.log.error({ err: cause, object: `${obj.metadata?.namespace}/${obj.metadata?.name}` }, 'the API server refused these Observations; dropped');
            }
          },
          this.metrics,
          instance.log.child({ component: 'informer' }),
          (h) => {
            healthBy.set(runner, h);
            const bad = [...healthBy.values()].find((x) => !x.ok);
            this.onHealth(instance, bad ?? { ok: true });
          },
        );
        list.push(runner);
      }
    }
    this.runners.set(instance.id, list);
    const signal = AbortSignal.any([this.signal!, instance.signal]);
    for (const r of list) r.start(signal);
    this.log.info({ instance: instance.id, source: instance.source, runners: list.map((r) => r.gvr) }, 'informer source started');
  }

  private async stopInstance(id: string): Promise<void> {
    const list = this.runners.get(id);
    if (!list) return;
    this.runners.delete(id);
    await Promise.all(list.map((r) => r.stop()));
    this.log.info({ instance: id }, 'informer source stopped');
  }
}
