import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { SourceInstance } from '../runtime/source-instance.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import { InformerRunner, type RunnerHealth } from './informer-runner.js';
import { HostError, HostErrorCodes } from '../errors.js';
import type { KubeHttp } from './kube-http.js';

/** Health of one informer instance's runners, for its Ingester's status. */
export type InstanceHealth = (instance: SourceInstance, health: RunnerHealth) => void;

/**
 * Runs the informer-kind sources while this pod leads: one runner per watched resource and
 * namespace of each instance. Instances added, changed or removed while leading start and stop
 * live; losing leadership stops them all (their signals abort).
 */
export class InformerSupervisor {
  private readonly runners = new Map<string, InformerRunner[]>();
  private readonly keys = new Map<InformerRunner, string>();
  private signal?: AbortSignal;
  private resume: Record<string, string> = {};

  constructor(
    private readonly http: KubeHttp,
    private readonly sources: SourceRegistry,
    private readonly pipeline: Pipeline,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
    private readonly stallSeconds: number,
    private readonly onHealth: InstanceHealth,
    /** False when RBAC is namespaced (WATCH_CLUSTER_SCOPED=false): cluster-scoped reads would be Forbidden. */
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

  /**
   * Starts every informer instance; they stop when `signal` aborts or `stopAll` is called.
   * `checkpoints` are the previous leader's (from the Lease): event-like sources resume from them.
   */
  startLeading(signal: AbortSignal, checkpoints: Record<string, string> = {}): void {
    this.signal = signal;
    this.resume = checkpoints;
    for (const instance of this.sources.all()) if (instance.kind === 'informer') this.startInstance(instance);
  }

  /**
   * Where each event-like stream stands, for the Lease: a leader taking over replays from there,
   * so Events created (even deleted) while nobody led are not lost. State-like sources need no
   * checkpoint: their relist on takeover is complete.
   */
  checkpoints(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [runner, key] of this.keys) if (runner.checkpoint) out[key] = runner.checkpoint;
    return out;
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
        // Namespaced RBAC cannot read cluster-scoped reports; an unrestricted deployment does.
        instance.log.info({ resource: resource.plural }, 'cluster-scoped resource skipped (WATCH_CLUSTER_SCOPED=false)');
        continue;
      }
      for (const namespace of resource.namespaced === false ? [undefined] : namespaces) {
        const eventLike = instance.loaded.plugin.kind === 'informer' && instance.loaded.plugin.semantics === 'event';
        const key = `${instance.id}|${resource.group}/${resource.version}/${resource.plural}|${namespace ?? ''}`;
        const runner: InformerRunner = new InformerRunner(
          this.http,
          { source: instance.source, resource, namespace, stallSeconds: this.stallSeconds, resumeFrom: eventLike ? this.resume[key] : undefined },
          async (type, obj, old, sync) => {
            const events = await instance.onEvent(type, obj, old);
            if (!events || events.length === 0) return;
            try {
              await this.pipeline.process(instance, events, new Date().toISOString(), { sync });
            } catch (err) {
              // Refused for good (a Terminating namespace, an admission webhook): retrying would
              // block this watch forever. Count and go on; anything else is retried.
              if (!(err instanceof HostError && err.code === HostErrorCodes.WRITE_REJECTED)) throw err;
              this.metrics.dropped.inc({ source: instance.source, reason: 'write_rejected' }, events.length);
              instance.log.error({ err, object: `${obj.metadata?.namespace}/${obj.metadata?.name}` }, 'the API server refused these Observations; dropped');
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
        if (eventLike) this.keys.set(runner, key);
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
    for (const r of list) this.keys.delete(r);
    await Promise.all(list.map((r) => r.stop()));
    this.log.info({ instance: id }, 'informer source stopped');
  }
}
