import type { KubeObject } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { KubeHttp } from '../kube/kube-http.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { Runnable } from '../runtime/manager.js';
import type { SourceInstance } from '../runtime/source-instance.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import { FindingTracker, bucketOfObject, catchUpTenant, type FindingResolver } from './finding-tracker.js';
import { InformerRunner, type InformerHandler, type RunnerHealth } from './informer-runner.js';
import type { PartitionWork } from './partitions/partition-owner.js';
import { bucketsOf, partitionOfBucket } from './partitions/partitioning.js';

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
  /** Objects per list page (a page is held in memory while it is handled). */
  pageSize: number;
  /**
   * Partitioned (active-active) mode: runs on every pod and handles only the objects of the
   * partitions this pod owns; without it (leader mode) the leader handles everything.
   */
  partitions?: number;
}

interface RunnerEntry {
  runner: InformerRunner;
  /** `instance|gvr|namespace`: the event stream's checkpoint key. */
  key: string;
  eventLike: boolean;
  started: boolean;
  synced: Promise<void>;
}

interface InstanceRun {
  instance: SourceInstance;
  tracker?: FindingTracker;
  runners: RunnerEntry[];
  signal: AbortSignal;
  /** Catch-ups of one instance happen one after another. */
  chain: Promise<void>;
}

/**
 * Runs the informer-kind sources: one runner per watched resource and namespace of each
 * instance. In leader mode while this pod leads (losing leadership stops them all); in
 * partitioned mode on every pod, each object handled only by the owner of its partition (a
 * stable hash of its namespace), with a catch-up of exactly the partitions a pod takes over.
 * Instances added, changed or removed start and stop live.
 */
export class InformerSupervisor implements Runnable, PartitionWork {
  readonly name = 'informers';
  readonly runs: 'leader' | 'always';
  private readonly runs_ = new Map<string, InstanceRun>();
  private signal?: AbortSignal;
  private resume: Record<string, string> = {};
  private unsubscribe?: () => void;
  /** Partitions owned (partitioned mode), and callbacks in flight per partition. */
  private readonly owned = new Set<number>();
  private readonly inflight = new Map<number, number>();
  private readonly drained: (() => void)[] = [];

  constructor(private readonly opts: InformerSupervisorOptions) {
    this.runs = opts.partitions ? 'always' : 'leader';
  }

  /** The previous leader's checkpoints (from the Lease): event-like sources resume from them. */
  resumeFrom(checkpoints: Record<string, string>): void {
    this.resume = checkpoints;
  }

  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    this.unsubscribe = this.opts.sources.onInformerChange(({ added, removed }) => {
      if (removed) void this.stopInstance(removed.id);
      if (added && this.signal && !this.signal.aborted) this.startInstance(added);
    });
    for (const instance of this.opts.sources.all()) if (instance.kind === 'informer') this.startInstance(instance);
  }

  async stop(): Promise<void> {
    this.signal = undefined;
    this.unsubscribe?.();
    await Promise.all([...this.runs_.keys()].map((id) => this.stopInstance(id)));
  }

  /**
   * Where each event-like stream stands, for the Lease: a pod taking over replays from there,
   * so Events created (even deleted) while nobody watched are not lost. State-like sources need
   * no checkpoint: their catch-up list is complete.
   */
  checkpoints(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const run of this.runs_.values()) for (const e of run.runners) if (e.eventLike && e.runner.checkpoint) out[e.key] = e.runner.checkpoint;
    return out;
  }

  // PartitionWork: the partition owner tells which partitions are this pod's.

  gained(partitions: number[], checkpoints: Map<number, Record<string, string>>): void {
    for (const p of partitions) this.owned.add(p);
    for (const run of this.runs_.values()) this.catchUp(run, partitions, checkpoints);
  }

  async lost(partitions: number[]): Promise<void> {
    const lost = new Set(partitions);
    for (const p of partitions) this.owned.delete(p);
    // Their callbacks in flight finish before the Leases go: never two owners at once.
    while (partitions.some((p) => (this.inflight.get(p) ?? 0) > 0)) await new Promise<void>((r) => this.drained.push(r));
    const count = this.opts.partitions!;
    for (const run of this.runs_.values()) run.tracker?.forget((b) => lost.has(partitionOfBucket(b, count)));
  }

  private partitionOf(obj: KubeObject): number {
    return partitionOfBucket(bucketOfObject(obj), this.opts.partitions!);
  }

  private startInstance(instance: SourceInstance): void {
    if (this.runs_.has(instance.id)) return;
    const { opts } = this;
    const plugin = instance.loaded.plugin;
    const eventLike = plugin.kind === 'informer' && plugin.semantics === 'event';
    // State-like sources are diffed by the host (findings per object, not objects); their
    // catch-up starts from a list of what is already recorded.
    const tracker = eventLike ? undefined : new FindingTracker({ http: opts.http, instance, pipeline: opts.pipeline, resolver: opts.resolver, log: instance.log.child({ component: 'findings' }) });
    const run: InstanceRun = { instance, tracker, runners: [], signal: AbortSignal.any([this.signal!, instance.signal]), chain: Promise.resolve() };
    this.runs_.set(instance.id, run);
    const namespaces = instance.scope.length > 0 ? instance.scope : [undefined];
    const healthBy = new Map<InformerRunner, RunnerHealth>();
    for (const resource of instance.resources()) {
      if (resource.namespaced === false && !opts.clusterScoped) {
        // Namespaced RBAC cannot read cluster-scoped reports; an unrestricted deployment does.
        instance.log.info({ resource: resource.plural }, 'cluster-scoped resource skipped (WATCH_CLUSTER_SCOPED=false)');
        continue;
      }
      for (const namespace of resource.namespaced === false ? [undefined] : namespaces) {
        const key = `${instance.id}|${resource.group}/${resource.version}/${resource.plural}|${namespace ?? ''}`;
        const gvr = `${resource.group}/${resource.version}/${resource.plural}`;
        let markSynced!: () => void;
        const synced = new Promise<void>((r) => (markSynced = r));
        const runner: InformerRunner = new InformerRunner({
          http: opts.http,
          options: { source: instance.source, resource, namespace, stallSeconds: opts.stallSeconds, concurrency: opts.concurrency, pageSize: opts.pageSize, resumeFrom: eventLike ? this.resume[key] : undefined },
          handle: this.handlerFor(run, gvr),
          metrics: opts.metrics,
          log: instance.log.child({ component: 'informer' }),
          onHealth: (h) => {
            healthBy.set(runner, h);
            const bad = [...healthBy.values()].find((x) => !x.ok);
            opts.onHealth(instance, bad ?? { ok: true });
          },
          onSynced: markSynced,
        });
        run.runners.push({ runner, key, eventLike, started: false, synced });
      }
    }
    // Leader mode: everything is ours. Partitioned: what this pod owns now (maybe nothing yet).
    if (!opts.partitions) this.catchUp(run, undefined, new Map());
    else if (this.owned.size > 0) this.catchUp(run, [...this.owned], new Map());
    opts.log.info({ instance: instance.id, source: instance.source, runners: run.runners.map((r) => r.runner.gvr) }, 'informer source started');
  }

  /** The handler of one runner: the tracker (state) or the pipeline (events), for owned objects only. */
  private handlerFor(run: InstanceRun, gvr: string): InformerHandler {
    const { instance, tracker } = run;
    const handle: InformerHandler = tracker
      ? (type, obj, sync) => tracker.handle(gvr, type, obj, sync)
      : async (type, obj, sync) => {
          const events = await instance.onEvent(type, obj);
          if (!events || events.length === 0) return 'done';
          const outcome = await this.opts.pipeline.process(instance, events, new Date().toISOString(), { sync, priority: 'background', signal: instance.signal, tenant: sync ? catchUpTenant(instance.id) : instance.id });
          // Written, or refused for good (counted by the pipeline): either way this watch goes on.
          return outcome.kind === 'retryAfter' ? 'retry' : 'done';
        };
    if (!this.opts.partitions) return handle;
    return async (type, obj, sync) => {
      const p = this.partitionOf(obj);
      if (!this.owned.has(p)) return 'done'; // another pod's
      this.inflight.set(p, (this.inflight.get(p) ?? 0) + 1);
      try {
        return await handle(type, obj, sync);
      } finally {
        this.inflight.set(p, this.inflight.get(p)! - 1);
        if (this.inflight.get(p) === 0) for (const r of this.drained.splice(0)) r();
      }
    };
  }

  /**
   * Catches an instance up on `partitions` (all, in leader mode): lists what is recorded there,
   * then has every runner start (its first list) or hand on those partitions' objects again,
   * then resolves what no object yields any more. An event stream with a checkpoint left by the
   * partitions' previous owner replays from it instead.
   */
  private catchUp(run: InstanceRun, partitions: number[] | undefined, checkpoints: Map<number, Record<string, string>>): void {
    const count = this.opts.partitions ?? 1;
    const mine = partitions ? new Set(partitions) : undefined;
    const inMine = (bucket: number | undefined) => !mine || (bucket !== undefined && mine.has(partitionOfBucket(bucket, count)));
    run.chain = run.chain.then(async () => {
      if (run.signal.aborted) return;
      await run.tracker?.loadExisting(run.signal, mine ? bucketsOf(mine, count) : undefined);
      const waits: Promise<void>[] = [];
      for (const e of run.runners) {
        const left = partitions?.map((p) => checkpoints.get(p)?.[e.key]).filter((c): c is string => c !== undefined) ?? [];
        if (!e.started) {
          e.started = true;
          e.runner.start(run.signal);
          waits.push(e.synced);
          if (e.eventLike && left.length > 0) e.runner.rewind(oldest(left));
        } else if (e.eventLike && partitions && left.length === partitions.length) {
          e.runner.rewind(oldest(left));
        } else waits.push(e.runner.resync((obj) => !mine || mine.has(this.partitionOf(obj))));
      }
      await Promise.all(waits);
      if (run.signal.aborted) return;
      run.instance.log.info({ partitions: partitions?.length, ...run.tracker?.size }, 'informer source caught up');
      await run.tracker?.finishCatchUp(inMine);
    }).catch((err: unknown) => run.instance.log.error({ err }, 'informer catch-up failed'));
  }

  private async stopInstance(id: string): Promise<void> {
    const run = this.runs_.get(id);
    if (!run) return;
    this.runs_.delete(id);
    await Promise.all(run.runners.map((e) => e.runner.stop()));
    this.opts.log.info({ instance: id }, 'informer source stopped');
  }
}

/** The oldest of etcd resourceVersions (integers; an opaque one is taken as it is). */
function oldest(rvs: string[]): string {
  return rvs.reduce((a, b) => (/^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(b) < BigInt(a) ? b : a));
}
