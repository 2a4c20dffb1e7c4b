import { type KubeObject } from '@zen-watcher/sdk';
import { checkSchema } from '@zen-watcher/sdk/host';
import type { Logger } from 'pino';
import { SourceSpecSchema, type SourceSpec } from '../config/source-spec.js';
import type { KubeHttp } from '../kube/kube-http.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Runnable } from '../runtime/manager.js';
import type { RouteTable } from '../runtime/route-table.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import { WorkQueue } from '../runtime/work-queue.js';
import { InformerRunner, type RunnerHealth } from './informer-runner.js';
import type { SecretCache } from './secret-cache.js';

export interface IngesterObject extends KubeObject {
  spec?: unknown;
  status?: { conditions?: IngesterCondition[] };
}

export interface IngesterCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** What this pod made of one Ingester: the status side reads it. */
export interface IngesterState {
  obj: IngesterObject;
  ok: boolean;
  informer?: boolean;
  /** Generation of the last valid spec, still running while a newer one is invalid. */
  keptGeneration?: number;
  reason: string;
  message: string;
  webhookPath?: string;
  health?: RunnerHealth;
}

export interface IngesterControllerOptions {
  http: KubeHttp;
  sources: SourceRegistry;
  routes: RouteTable;
  secrets: SecretCache;
  /** Namespaces watched; empty = all. */
  scope: readonly string[];
  metrics: HostMetrics;
  log: Logger;
  /** Told when an Ingester's state changed (the status writer requeues it). */
  onState?: (id: string) => void;
}

const RESOURCE = { group: 'zen.kube-zen.io', version: 'v1alpha1', plural: 'ingesters', kind: 'Ingester' } as const;

/**
 * Every pod watches Ingesters (in WATCH_NAMESPACE or everywhere) and reconciles each one, by
 * key, into its source registry: create, change and delete take effect without a restart, and
 * a bad Ingester (unknown source, invalid config, route conflict) is refused on its own. Keys
 * are reconciled from a workqueue by several workers, so one slow plugin start does not hold up
 * the others; who serves a path is the route table's decision, and a path changing hands
 * requeues both Ingesters.
 */
export class IngesterController implements Runnable {
  readonly name = 'ingesters';
  readonly runs = 'always';
  readonly loadsSources = true;
  private readonly seen = new Map<string, IngesterObject>();
  private readonly states = new Map<string, IngesterState>();
  private readonly stale = new Set<string>();
  private readonly runners: InformerRunner[] = [];
  private readonly queue: WorkQueue;
  private synced = 0;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: IngesterControllerOptions) {
    this.queue = new WorkQueue((id) => this.reconcile(id), {
      workers: 4,
      onError: (id, err, attempt) => opts.log.error({ err, ingester: id, attempt }, 'Ingester reconcile failed; retrying'),
    });
  }

  async start(signal: AbortSignal): Promise<void> {
    const { routes, secrets, log } = this.opts;
    routes.onChange(({ gained, lost }) => {
      for (const id of [gained, lost]) if (id && this.seen.has(id)) this.requeue(id);
    });
    this.unsubscribe.push(
      secrets.onChange((ref) => {
        for (const [id, s] of this.states) if (this.secretOf(id, s)?.ref === ref) this.opts.onState?.(id);
      }),
    );
    for (const namespace of this.opts.scope.length ? this.opts.scope : [undefined]) {
      const runner = new InformerRunner({
        http: this.opts.http,
        options: { source: 'ingesters', resource: RESOURCE, namespace, stallSeconds: 600 },
        handle: async (type, obj) => {
          const id = idOf(obj);
          if (type === 'delete') this.seen.delete(id);
          else this.seen.set(id, obj as IngesterObject);
          this.queue.add(id);
          return 'done';
        },
        metrics: this.opts.metrics,
        log: log.child({ component: 'ingesters' }),
        onHealth: (h) => {
          if (!h.ok) log.error({ reason: h.reason, message: h.message }, 'cannot watch Ingesters');
        },
        onSynced: () => {
          // Ready once every Ingester of the first list is applied, not only listed.
          void this.queue.drained().then(() => this.synced++);
        },
      });
      this.runners.push(runner);
      runner.start(signal);
    }
  }

  waitingFor(): string[] {
    return this.synced >= this.runners.length ? [] : ['the first list of Ingesters'];
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.queue.stop();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** What this pod made of each Ingester. */
  state(id: string): IngesterState | undefined {
    return this.states.get(id);
  }

  ids(): string[] {
    return [...this.states.keys()];
  }

  /** An informer instance's health changed (reported by the supervisor on the leader). */
  reportHealth(id: string, health: RunnerHealth): void {
    const s = this.states.get(id);
    if (!s) return;
    s.health = health;
    this.afterChange();
    this.opts.onState?.(id);
  }

  /** The auth Secret (`namespace/name`) and key the running instance of `id` reads, if any. */
  secretOf(id: string, s: IngesterState | undefined = this.states.get(id)): { ref: string; key: string } | undefined {
    const ref = this.opts.sources.get(id)?.spec.webhook?.auth?.secretRef;
    return ref && s ? { ref: `${s.obj.metadata!.namespace}/${ref.name}`, key: ref.key } : undefined;
  }

  private requeue(id: string): void {
    this.stale.add(id);
    this.queue.add(id);
  }

  private async reconcile(id: string): Promise<void> {
    const obj = this.seen.get(id);
    const prev = this.states.get(id);
    if (!obj) {
      await this.opts.sources.remove(id);
      this.states.delete(id);
      this.opts.log.info({ ingester: id }, 'Ingester deleted; its source stopped');
      this.afterChange();
      return;
    }
    const same = prev && prev.obj.metadata?.generation === obj.metadata?.generation && prev.obj.metadata?.uid === obj.metadata?.uid;
    if (same && !this.stale.delete(id)) {
      prev.obj = obj; // a status-only change (often our own write)
      return;
    }
    this.stale.delete(id);
    const next = await this.apply(id, obj, prev);
    next.health = prev?.obj.metadata?.uid === obj.metadata?.uid ? prev?.health : undefined;
    this.states.set(id, next);
    this.opts.log[next.ok ? 'info' : 'warn']({ ingester: id, source: (obj.spec as { source?: string })?.source, reason: next.reason, message: next.message }, next.ok ? 'Ingester accepted' : 'Ingester rejected');
    this.afterChange();
    this.opts.onState?.(id);
  }

  private async apply(id: string, obj: IngesterObject, prev: IngesterState | undefined): Promise<IngesterState> {
    const issues = checkSchema(SourceSpecSchema, obj.spec);
    if (issues.length > 0) return this.rejected(id, prev, obj, 'InvalidSpec', issues.map((i) => `spec${i.path.replaceAll('/', '.')}: ${i.message}`).join('; '));
    const ns = obj.metadata!.namespace!;
    const result = await this.opts.sources.apply(id, obj.spec as SourceSpec, { namespace: ns, defaultPath: `/ingest/${ns}/${obj.metadata!.name}`, order: obj.metadata?.creationTimestamp ?? '' });
    if (result.ok) {
      const informer = result.instance.kind === 'informer';
      const message = informer ? `watching ${result.instance.resources().map((r) => r.plural).join(', ')}` : `serving POST ${result.instance.webhookPath}`;
      return { obj, ok: true, informer, reason: 'Accepted', message, webhookPath: result.instance.webhookPath };
    }
    // These are about the world, not a typo in this change: nothing of this Ingester runs.
    if (result.reason === 'RouteConflict' || result.reason === 'UnknownSource') return { obj, ok: false, reason: result.reason, message: result.message };
    return this.rejected(id, prev, obj, result.reason, result.message);
  }

  /**
   * A change that does not validate leaves the previous valid version running (a typo must not
   * switch monitoring off); the condition says so. With no previous version, nothing runs.
   */
  private async rejected(id: string, prev: IngesterState | undefined, obj: IngesterObject, reason: string, message: string): Promise<IngesterState> {
    const running = this.opts.sources.get(id);
    if (running && prev && prev.obj.metadata?.uid === obj.metadata?.uid && (prev.ok || prev.keptGeneration !== undefined)) {
      const kept = prev.ok ? prev.obj.metadata?.generation : prev.keptGeneration;
      return { obj, ok: false, reason, message: `${message}\n(still running the last valid spec, generation ${kept})`, webhookPath: running.webhookPath, informer: running.kind === 'informer', keptGeneration: kept };
    }
    await this.opts.sources.remove(id);
    return { obj, ok: false, reason, message };
  }

  private afterChange(): void {
    const refs: string[] = [];
    let ready = 0;
    for (const [id, s] of this.states) {
      if (s.ok && (s.health === undefined || s.health.ok)) ready++;
      // The running instance's spec: a rejected change may leave an older, valid one running.
      const secret = this.secretOf(id, s);
      if (secret) refs.push(secret.ref);
    }
    this.opts.secrets.want(refs);
    this.opts.metrics.ingesters.set({ state: 'ready' }, ready);
    this.opts.metrics.ingesters.set({ state: 'not_ready' }, this.states.size - ready);
  }
}

function idOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace}/${obj.metadata?.name}`;
}
