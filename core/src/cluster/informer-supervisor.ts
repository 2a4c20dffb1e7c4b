import type { Logger } from 'pino';
import type { KubeHttp } from '../kube/kube-http.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Runnable } from '../runtime/manager.js';
import type { SourceInstance } from '../runtime/source-instance.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import { FindingTracker, type FindingResolver } from './finding-tracker.js';
import { InformerRunner, type InformerHandler, type RunnerHealth } from './informer-runner.js';

/** Health of one informer instance's runners, for its Ingester's status. */
export type InstanceHealth = (instance: SourceInstance, health: RunnerHealth) => void;

export interface InformerSupervisorOptions {
  http: KubeHttp;
  sources: SourceRegistry;
  pipeline: Pipeline;
  metrics: HostMetrics;
  log: Logger;
  stallSeconds: number;
  onHealth: InstanceHealth;
  /** False when RBAC is namespaced (WATCH_CLUSTER_SCOPED=false): cluster-scoped reads would be Forbidden. */
  clusterScoped: boolean;
  /** Marks findings resolved (the Observation writer). */
  resolver: FindingResolver;
  /** Callbacks of one watch handled at once (different objects). */
  concurrency: number;
}

/**
 * Runs the informer-kind sources while this pod leads: one runner per watched resource and
 * namespace of each instance. Instances added, changed or removed while leading start and stop
 * live; losing leadership stops them all (their signals abort).
 */
export class InformerSupervisor implements Runnable {
  readonly name = 'informers';
  readonly runs = 'leader';
  private readonly runners = new Map<string, InformerRunner[]>();
  private readonly keys = new Map<InformerRunner, string>();
  private signal?: AbortSignal;
  private resume: Record<string, string> = {};
  private unsubscribe?: () => void;

  constructor(private readonly opts: InformerSupervisorOptions) {}

  /** The previous leader's checkpoints (from the Lease): event-like sources resume from them. */
  resumeFrom(checkpoints: Record<string, string>): void {
    this.resume = checkpoints;
  }

  /** Starts every informer instance; they stop when `signal` aborts or `stop` is called. */
  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    this.unsubscribe = this.opts.sources.onInformerChange(({ added, removed }) => {
      if (removed) void this.stopInstance(removed.id);
      if (added && this.signal && !this.signal.aborted) void this.startInstance(added);
    });
    for (const instance of this.opts.sources.all()) if (instance.kind === 'informer') void this.startInstance(instance);
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

  async stop(): Promise<void> {
    this.signal = undefined;
    this.unsubscribe?.();
    await Promise.all([...this.runners.keys()].map((id) => this.stopInstance(id)));
  }

  private async startInstance(instance: SourceInstance): Promise<void> {
    if (this.runners.has(instance.id)) return;
    const { opts } = this;
    const list: InformerRunner[] = [];
    this.runners.set(instance.id, list);
    const signal = AbortSignal.any([this.signal!, instance.signal]);
    const plugin = instance.loaded.plugin;
    const eventLike = plugin.kind === 'informer' && plugin.semantics === 'event';
    // State-like sources are diffed by the host (findings per object, not objects); their
    // catch-up starts from a list of what is already recorded.
    const tracker = eventLike ? undefined : new FindingTracker({ http: opts.http, instance, pipeline: opts.pipeline, resolver: opts.resolver, log: instance.log.child({ component: 'findings' }) });
    if (tracker) await tracker.loadExisting(signal);
    if (signal.aborted || this.runners.get(instance.id) !== list) return;
    const namespaces = instance.scope.length > 0 ? instance.scope : [undefined];
    const healthBy = new Map<InformerRunner, RunnerHealth>();
    let unsynced = 0;
    for (const resource of instance.resources()) {
      if (resource.namespaced === false && !opts.clusterScoped) {
        // Namespaced RBAC cannot read cluster-scoped reports; an unrestricted deployment does.
        instance.log.info({ resource: resource.plural }, 'cluster-scoped resource skipped (WATCH_CLUSTER_SCOPED=false)');
        continue;
      }
      for (const namespace of resource.namespaced === false ? [undefined] : namespaces) {
        const key = `${instance.id}|${resource.group}/${resource.version}/${resource.plural}|${namespace ?? ''}`;
        const gvr = `${resource.group}/${resource.version}/${resource.plural}`;
        const handle: InformerHandler = tracker
          ? (type, obj, sync) => tracker.handle(gvr, type, obj, sync)
          : async (type, obj, sync) => {
              const events = await instance.onEvent(type, obj);
              if (!events || events.length === 0) return 'done';
              const outcome = await opts.pipeline.process(instance, events, new Date().toISOString(), { sync, priority: 'background', signal: instance.signal, tenant: instance.id });
              // Written, or refused for good (counted by the pipeline): either way this watch goes on.
              return outcome.kind === 'retryAfter' ? 'retry' : 'done';
            };
        unsynced++;
        const runner: InformerRunner = new InformerRunner({
          http: opts.http,
          options: { source: instance.source, resource, namespace, stallSeconds: opts.stallSeconds, concurrency: opts.concurrency, resumeFrom: eventLike ? this.resume[key] : undefined },
          handle,
          metrics: opts.metrics,
          log: instance.log.child({ component: 'informer' }),
          onHealth: (h) => {
            healthBy.set(runner, h);
            const bad = [...healthBy.values()].find((x) => !x.ok);
            opts.onHealth(instance, bad ?? { ok: true });
          },
          onSynced: () => {
            if (--unsynced === 0) {
              instance.log.info({ ...tracker?.size }, 'informer source caught up');
              void tracker?.finishCatchUp();
            }
          },
        });
        list.push(runner);
        if (eventLike) this.keys.set(runner, key);
      }
    }
    for (const r of list) r.start(signal);
    opts.log.info({ instance: instance.id, source: instance.source, runners: list.map((r) => r.gvr) }, 'informer source started');
  }

  private async stopInstance(id: string): Promise<void> {
    const list = this.runners.get(id);
    if (!list) return;
    this.runners.delete(id);
    for (const r of list) this.keys.delete(r);
    await Promise.all(list.map((r) => r.stop()));
    this.opts.log.info({ instance: id }, 'informer source stopped');
  }
}
