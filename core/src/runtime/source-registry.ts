import type { SourceEvent } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SourceSpec } from '../config/source-spec.js';
import { HostError } from '../errors.js';
import type { RouteTable } from '../http/route-table.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { LoadedPlugin } from '../plugins/discovery.js';
import { SourceInstance, type RejectReason } from './source-instance.js';

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
}

/** Listens to informer instances coming and going (the informer supervisor). */
export type InformerListener = (change: { added?: SourceInstance; removed?: SourceInstance }) => void;

/**
 * The running source instances, by id. Applying a spec builds and validates a new instance,
 * refuses route conflicts, then swaps it in for the old one (stop old, start new, move the
 * route), so any change to an Ingester applies live. A bad spec never touches the others.
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

  onInformerChange(listener: InformerListener): void {
    this.listeners.push(listener);
  }

  async apply(id: string, spec: SourceSpec, namespace: string, defaultPath: string): Promise<ApplyResult> {
    const built = SourceInstance.build(this.opts.plugins, {
      id,
      spec,
      namespace,
      scope: this.opts.scope,
      defaultTtlSeconds: this.opts.defaultTtlSeconds,
      dedupWindowSeconds: this.opts.dedupWindowSeconds,
      defaultPath,
      log: this.opts.log,
      registry: this.opts.registry,
      metrics: this.opts.metrics,
      emit: (instance, events) => this.emitted(instance, events),
    });
    if (!built.ok) return built;
    const next = built.instance;
    if (next.webhookPath) {
      const holder = this.opts.routes.holder(next.webhookPath, id);
      if (holder) return { ok: false, reason: 'RouteConflict', message: `path ${next.webhookPath} is already served by ${holder.id}; set a different spec.webhook.path` };
    }
    const old = this.instances.get(id);
    if (old) await this.stopInstance(old);
    try {
      await next.start();
    } catch (err) {
      this.instances.delete(id);
      return { ok: false, reason: 'StartFailed', message: (err as Error).message };
    }
    this.instances.set(id, next);
    this.opts.routes.set(next);
    if (next.kind === 'informer') for (const l of this.listeners) l({ added: next });
    return { ok: true, instance: next };
  }

  async remove(id: string): Promise<void> {
    const old = this.instances.get(id);
    if (old) await this.stopInstance(old);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((i) => this.stopInstance(i)));
  }

  private async stopInstance(instance: SourceInstance): Promise<void> {
    this.instances.delete(instance.id);
    this.opts.routes.remove(instance);
    if (instance.kind === 'informer') for (const l of this.listeners) l({ removed: instance });
    await instance.stop();
  }

  private emitted(instance: SourceInstance, events: SourceEvent[]): void {
    this.opts.pipeline.process(instance, events, new Date().toISOString()).catch((err: unknown) => {
      const reason = err instanceof HostError ? err.code.toLowerCase() : 'write_failed';
      this.opts.metrics.dropped.inc({ source: instance.source, reason }, events.length);
      instance.log.error({ err, events: events.length }, 'emitted events could not be written; dropped');
    });
  }
}
