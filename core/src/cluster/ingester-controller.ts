import { checkSchema, type KubeObject } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import { SourceSpecSchema, type SourceSpec } from '../config/source-spec.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { SourceRegistry } from '../runtime/source-registry.js';
import type { RunnerHealth } from './informer-runner.js';
import { InformerRunner } from './informer-runner.js';
import { KubeApiError, type KubeHttp } from './kube-http.js';
import type { SecretCache } from './secret-cache.js';

interface IngesterObject extends KubeObject {
  spec?: unknown;
  status?: { conditions?: Condition[] };
}

interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

interface Tracked {
  obj: IngesterObject;
  ok: boolean;
  informer?: boolean;
  /** Generation of the last valid spec, still running while a newer one is invalid. */
  keptGeneration?: number;
  reason: string;
  message: string;
  webhookPath?: string;
  health?: RunnerHealth;
  written?: string;
}

const RESOURCE = { group: 'zen.kube-zen.io', version: 'v1alpha1', plural: 'ingesters', kind: 'Ingester' } as const;

/**
 * Every pod watches Ingesters (in WATCH_NAMESPACE or everywhere) and applies each one live to
 * its source registry: create, change and delete take effect without a restart, and a bad
 * Ingester (unknown source, invalid config, route conflict) is refused on its own. The leader
 * writes each Ingester's status: a Ready condition with a reason a person can act on,
 * observedGeneration, the webhook path, and the health of its informer.
 */
export class IngesterController {
  private readonly tracked = new Map<string, Tracked>();
  private readonly runners: InformerRunner[] = [];
  private readonly abort = new AbortController();
  private synced = 0;
  private leading = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly http: KubeHttp,
    private readonly sources: SourceRegistry,
    private readonly secrets: SecretCache,
    private readonly scope: readonly string[],
    private readonly podName: string,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.secrets.onChange = (ref) => {
      for (const [id, t] of this.tracked) {
        const r = this.sources.get(id)?.spec.webhook?.auth?.secretRef;
        if (r && `${t.obj.metadata!.namespace}/${r.name}` === ref) void this.serialize(() => this.writeStatus(id));
      }
    };
    for (const namespace of this.scope.length ? this.scope : [undefined]) {
      const runner = new InformerRunner(
        this.http,
        { source: 'ingesters', resource: RESOURCE, namespace, stallSeconds: 600 },
        (type, obj) => this.serialize(() => (type === 'delete' ? this.removed(obj) : this.applied(obj as IngesterObject))),
        this.metrics,
        this.log.child({ component: 'ingesters' }),
        (h) => {
          if (!h.ok) this.log.error({ reason: h.reason, message: h.message }, 'cannot watch Ingesters');
        },
        () => this.synced++,
      );
      this.runners.push(runner);
      runner.start(this.abort.signal);
    }
  }

  waitingFor(): string[] {
    return this.synced >= this.runners.length ? [] : ['the first list of Ingesters'];
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.queue;
  }

  /** Leadership changed: the new leader (re)writes every status. */
  setLeading(leading: boolean): void {
    this.leading = leading;
    if (leading) {
      for (const t of this.tracked.values()) t.written = undefined;
      void this.serialize(() => this.writeAll());
    }
  }

  /** An informer instance's health changed (reported by the supervisor on the leader). */
  reportHealth(id: string, health: RunnerHealth): void {
    const t = this.tracked.get(id);
    if (!t) return;
    t.health = health;
    this.afterChange();
    void this.serialize(() => this.writeStatus(id));
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((err: unknown) => this.log.error({ err }, 'Ingester handling failed'));
    return this.queue;
  }

  private idOf(obj: KubeObject): string {
    return `${obj.metadata?.namespace}/${obj.metadata?.name}`;
  }

  private async applied(obj: IngesterObject, cascade = true): Promise<void> {
    const id = this.idOf(obj);
    const prev = this.tracked.get(id);
    if (prev && prev.obj.metadata?.generation === obj.metadata?.generation && prev.obj.metadata?.uid === obj.metadata?.uid && cascade) {
      prev.obj = obj; // status-only change (often our own write)
      return;
    }
    const ns = obj.metadata!.namespace!;
    const issues = checkSchema(SourceSpecSchema, obj.spec);
    let t: Tracked;
    if (issues.length > 0) {
      t = await this.rejected(id, prev, obj, 'InvalidSpec', issues.map((i) => `spec${i.path.replaceAll('/', '.')}: ${i.message}`).join('; '));
    } else {
      const spec = obj.spec as SourceSpec;
      let result = await this.sources.apply(id, spec, ns, `/ingest/${ns}/${obj.metadata!.name}`);
      if (!result.ok && result.reason === 'RouteConflict' && cascade) result = await this.resolveConflict(obj, spec, result);
      if (result.ok) {
        const informer = result.instance.kind === 'informer';
        t = { obj, ok: true, informer, reason: 'Accepted', message: informer ? `watching ${result.instance.resources().map((r) => r.plural).join(', ')}` : `serving POST ${result.instance.webhookPath}`, webhookPath: result.instance.webhookPath };
      } else if (result.reason === 'RouteConflict' || result.reason === 'UnknownSource') {
        // These are about the world, not a typo in this change: nothing of this Ingester runs.
        await this.sources.remove(id);
        t = { obj, ok: false, reason: result.reason, message: result.message };
      } else {
        t = await this.rejected(id, prev, obj, result.reason, result.message);
      }
    }
    t.written = prev?.written;
    t.health = prev?.obj.metadata?.uid === obj.metadata?.uid ? prev?.health : undefined;
    this.tracked.set(id, t);
    this.log[t.ok ? 'info' : 'warn']({ ingester: id, source: (obj.spec as { source?: string })?.source, reason: t.reason, message: t.message }, t.ok ? 'Ingester accepted' : 'Ingester rejected');
    this.afterChange();
    await this.writeStatus(id);
    if (cascade && prev?.webhookPath && prev.webhookPath !== t.webhookPath) await this.retryConflicts();
  }

  /**
   * A change that does not validate leaves the previous valid version running (a typo must not
   * switch monitoring off); the condition says so. With no previous version, nothing runs.
   */
  private async rejected(id: string, prev: Tracked | undefined, obj: IngesterObject, reason: string, message: string): Promise<Tracked> {
    const running = this.sources.get(id);
    if (running && prev && prev.obj.metadata?.uid === obj.metadata?.uid && (prev.ok || prev.keptGeneration !== undefined)) {
      const kept = prev.ok ? prev.obj.metadata?.generation : prev.keptGeneration;
      return { obj, ok: false, reason, message: `${message}\n(still running the last valid spec, generation ${kept})`, webhookPath: running.webhookPath, informer: running.kind === 'informer', keptGeneration: kept };
    }
    await this.sources.remove(id);
    return { obj, ok: false, reason, message };
  }

  /** Two Ingesters want one path: the older one keeps it, whatever order they arrived in. */
  private async resolveConflict(obj: IngesterObject, spec: SourceSpec, failed: { ok: false; reason: string; message: string }) {
    const path = spec.webhook?.path;
    const holder = [...this.tracked.values()].find((t) => t.ok && t.webhookPath === path && this.idOf(t.obj) !== this.idOf(obj));
    if (!holder || !olderThan(obj, holder.obj)) return failed as Awaited<ReturnType<SourceRegistry['apply']>>;
    const holderId = this.idOf(holder.obj);
    await this.sources.remove(holderId);
    const result = await this.sources.apply(this.idOf(obj), spec, obj.metadata!.namespace!, `/ingest/${obj.metadata!.namespace}/${obj.metadata!.name}`);
    this.tracked.delete(holderId);
    await this.applied(holder.obj, false);
    return result;
  }

  private async removed(obj: KubeObject): Promise<void> {
    const id = this.idOf(obj);
    await this.sources.remove(id);
    this.tracked.delete(id);
    this.log.info({ ingester: id }, 'Ingester deleted; its source stopped');
    this.afterChange();
    await this.retryConflicts();
  }

  /** A path may have been freed: Ingesters refused for a conflict try again, oldest first. */
  private async retryConflicts(): Promise<void> {
    const waiting = [...this.tracked.values()].filter((t) => t.reason === 'RouteConflict').sort((a, b) => (olderThan(a.obj, b.obj) ? -1 : olderThan(b.obj, a.obj) ? 1 : 0));
    for (const t of waiting) {
      this.tracked.delete(this.idOf(t.obj));
      await this.applied(t.obj, false);
    }
  }

  private afterChange(): void {
    const refs: string[] = [];
    let ready = 0;
    for (const t of this.tracked.values()) {
      if (t.ok && (t.health === undefined || t.health.ok)) ready++;
      // The running instance's spec: a rejected change may leave an older, valid one running.
      const ref = this.sources.get(this.idOf(t.obj))?.spec.webhook?.auth?.secretRef;
      if (ref) refs.push(`${t.obj.metadata!.namespace}/${ref.name}`);
    }
    this.secrets.want(refs);
    this.metrics.ingesters.set({ state: 'ready' }, ready);
    this.metrics.ingesters.set({ state: 'not_ready' }, this.tracked.size - ready);
  }

  private async writeAll(): Promise<void> {
    for (const id of this.tracked.keys()) await this.writeStatus(id);
  }

  private async writeStatus(id: string): Promise<void> {
    const t = this.tracked.get(id);
    if (!t || !this.leading) return;
    const auth = this.sources.get(id)?.spec.webhook?.auth;
    const secretProblem = auth?.secretRef ? this.secrets.problem(`${t.obj.metadata!.namespace}/${auth.secretRef.name}`, auth.secretRef.key) : undefined;
    const health: RunnerHealth | undefined = secretProblem ? { ok: false, reason: 'SecretUnavailable', message: `${secretProblem}; requests are refused with 401` } : t.health;
    const healthy = health === undefined || health.ok;
    const ok = t.ok && healthy;
    const reason = !t.ok ? t.reason : healthy ? 'Accepted' : health!.reason!;
    const message = !t.ok ? t.message : healthy ? t.message : health!.message!;
    const generation = t.obj.metadata?.generation;
    const previous = t.obj.status?.conditions?.find((c) => c.type === 'Ready');
    const status = ok ? 'True' : 'False';
    const condition: Condition = {
      type: 'Ready',
      status,
      reason,
      message: message.slice(0, 32_000),
      lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      observedGeneration: generation,
    };
    const body = { status: { observedGeneration: generation, conditions: [condition], webhookPath: t.webhookPath ?? null, activeOn: t.informer && t.ok ? this.podName || null : null } };
    const key = JSON.stringify({ ...body.status, conditions: [{ ...condition, lastTransitionTime: undefined }] });
    if (t.written === key) return;
    const transitioned = !previous || previous.status !== status || previous.reason !== reason;
    try {
      await this.http.request({
        method: 'PATCH',
        path: `/apis/zen.kube-zen.io/v1alpha1/namespaces/${t.obj.metadata!.namespace}/ingesters/${t.obj.metadata!.name}/status`,
        body,
        contentType: 'application/merge-patch+json',
      });
      t.written = key;
      t.obj = { ...t.obj, status: { ...t.obj.status, conditions: [condition] } };
      if (transitioned) await this.recordEvent(t.obj, ok, reason, message);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) this.log.warn({ err, ingester: id }, 'could not write Ingester status; will retry on the next change');
    }
  }

  /** A Kubernetes Event on the Ingester, so `kubectl describe ingester` tells its story. */
  private async recordEvent(obj: IngesterObject, ok: boolean, reason: string, message: string): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      await this.http.request({
        method: 'POST',
        path: `/api/v1/namespaces/${obj.metadata!.namespace}/events`,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${obj.metadata!.name}.`, namespace: obj.metadata!.namespace },
          involvedObject: { apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Ingester', name: obj.metadata!.name, namespace: obj.metadata!.namespace, uid: obj.metadata!.uid },
          type: ok ? 'Normal' : 'Warning',
          reason,
          message: message.slice(0, 1024),
          source: { component: 'zen-watcher', host: this.podName || undefined },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.log.debug({ err }, 'could not record an Event on the Ingester');
    }
  }
}

// Strictly older by creation time. Timestamps have one-second resolution, so two Ingesters made
// in the same second tie, and then the one holding the path keeps it (no flapping).
function olderThan(a: KubeObject, b: KubeObject): boolean {
  return (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '');
}
