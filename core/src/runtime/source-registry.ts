import type { SourceEvent } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SourceSpec } from '../config/source-spec.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { LoadedPlugin } from '../plugins/discovery.js';
import type { RouteTable } from './route-table.js';
import { SourceInstance, type InstanceOptions, type RejectReason } from './source-instance.js';

export type ApplyResult = { ok: true; instance: SourceInstance } | { ok: false; reason: RejectReason | 'StartFailed'; message: string };

export interface RegistryOptions {
  plugins: ReadonlyMap<string, LoadedPlugin>;
  routes: RouteTable;
  pipeline: Pipeline;
  log: Logger;
  metrics: HostMetrics;
  registry: Registry;
  scope: readonly string[];
  defaultTtlSeconds: number;
  dedupWindowSeconds: number;
  /** Checks `spec.webhook.auth` against the auth schemes (the HTTP layer's, handed in). */
  authProblem?: InstanceOptions['authProblem'];
}

/** What applying one source needs besides its spec. */
export interface ApplyOptions {
  /** Namespace Observations fall back to (the Ingester's, or POD_NAMESPACE). */
  namespace: string;
  /** URL path when `spec.webhook.path` is not set. */
  defaultPath: string;
  /** Orders claims on one path: the oldest owns it (an Ingester's creationTimestamp). */
  order: string;
}

/** Listens to informer instances coming and going (the informer supervisor). */
export type InformerListener = (change: { added?: SourceInstance; removed?: SourceInstance }) => void;

/**
 * The running source instances, by id. Applying a spec builds and validates a new instance,
 * claims its path from the route table (which alone decides who serves a path), then swaps it in
 * for the old one (stop old, start new, serve the route), so any change to an Ingester applies
 * live. A bad spec never touches the others.
 */
export class SourceRegistry {
  private readonly instances = new Map<string, SourceInstance>();
  private readonly listeners: InformerListener[] = [];

  constructor(private readonly opts: RegistryOptions) {}

  get(id: string): SourceInstance | undefined {
    return this.instances.get(id);
  }

  all(): SourceInstance[] {
    return [...this.instances.values()];
  }

  onInformerChange(listener: InformerListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  async apply(id: string, spec: SourceSpec, options: ApplyOptions): Promise<ApplyResult> {
    const built = SourceInstance.build(this.opts.plugins, {
      id,
      spec,
      namespace: options.namespace,
      scope: this.opts.scope,
      defaultTtlSeconds: this.opts.defaultTtlSeconds,
      dedupWindowSeconds: this.opts.dedupWindowSeconds,
      defaultPath: options.defaultPath,
      log: this.opts.log,
      registry: this.opts.registry,
      metrics: this.opts.metrics,
      emit: (instance, events) => this.emitted(instance, events),
      authProblem: this.opts.authProblem,
    });
    if (!built.ok) return built;
    const next = built.instance;
    const { routes } = this.opts;
    if (next.webhookPath) {
      // The claim stays while another owns the path: when it is freed, the route table says so.
      const owner = routes.claim({ id, path: next.webhookPath, order: options.order });
      if (owner !== id) {
        await this.stopRunning(id);
        return { ok: false, reason: 'RouteConflict', message: `path ${next.webhookPath} is already served by ${owner}; set a different spec.webhook.path` };
      }
    } else routes.release(id);
    await this.stopRunning(id);
    try {
      await next.start();
    } catch (err) {
      routes.release(id);
      return { ok: false, reason: 'StartFailed', message: (err as Error).message };
    }
    this.instances.set(id, next);
    routes.serve(next);
    if (next.kind === 'informer') for (const l of this.listeners) l({ added: next });
    return { ok: true, instance: next };
  }

  /** Stops the instance and withdraws its route claims. */
  async remove(id: string): Promise<void> {
    await this.stopRunning(id);
    this.opts.routes.release(id);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((i) => this.remove(i.id)));
  }

  private async stopRunning(id: string): Promise<void> {
    const instance = this.instances.get(id);
    if (!instance) return;
    this.instances.delete(id);
    this.opts.routes.unserve(instance);
    if (instance.kind === 'informer') for (const l of this.listeners) l({ removed: instance });
    await instance.stop();
  }

  private emitted(instance: SourceInstance, events: SourceEvent[]): void {
    void this.opts.pipeline.process(instance, events, new Date().toISOString(), { priority: 'background', signal: instance.signal }).then((outcome) => {
      // Refusals are counted by the pipeline; what could not be written now is lost with it.
      if (outcome.kind === 'retryAfter') {
        this.opts.metrics.dropped.inc({ source: instance.source, reason: outcome.reason }, events.length - outcome.result.filtered);
        instance.log.error({ events: events.length, reason: outcome.reason, message: outcome.message }, 'emitted events could not be written; dropped');
      }
    });
  }
}
