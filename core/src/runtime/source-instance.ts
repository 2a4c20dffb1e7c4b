import { ErrorCodes, ZenWatcherError, type InformerEventType, type KubeObject, type PluginContext, type SourceEvent, type WatchedResource, type WebhookRequest } from '@zen-watcher/sdk';
import { checkEvents, formatIssues, guardHook, logInvalid, resolveWithDefaults, watchedResources } from '@zen-watcher/sdk/host';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SourceSpec, WebhookAuth } from '../config/source-spec.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { pluginMetrics } from '../metrics/plugin-metrics.js';
import { compileFilter, filterProblems, type EventFilter } from '../pipeline/event-filter.js';
import type { PipelineSource } from '../pipeline/pipeline.js';
import type { LoadedPlugin } from '../plugins/discovery.js';

/** Why a source instance could not be built; becomes the Ingester's Ready=False reason. */
export type RejectReason = 'UnknownSource' | 'InvalidConfig' | 'InvalidFilters' | 'RouteConflict' | 'InvalidWebhook' | 'NamespaceOutOfScope';

export type BuildResult = { ok: true; instance: SourceInstance } | { ok: false; reason: RejectReason; message: string };

export interface InstanceOptions {
  /** `<namespace>/<ingester>` for an Ingester, `config/<index>-<source>` for a config-file source. */
  id: string;
  spec: SourceSpec;
  /** Namespace Observations fall back to (the Ingester's, or POD_NAMESPACE). */
  namespace: string;
  /** The host's WATCH_NAMESPACE scope; empty = all. */
  scope: readonly string[];
  defaultTtlSeconds: number;
  dedupWindowSeconds: number;
  /** Default URL path when `spec.webhook.path` is not set. */
  defaultPath: string;
  log: Logger;
  registry: Registry;
  metrics: HostMetrics;
  /** Where `ctx.emit` sends events. */
  emit: (instance: SourceInstance, events: SourceEvent[]) => void;
  /**
   * What is wrong with `spec.webhook.auth` beyond its schema (the HTTP layer's signature schemes
   * know; it is handed in so this layer does not reach up to them).
   */
  authProblem?: (auth: WebhookAuth | undefined) => string | undefined;
}

/**
 * One running source: a plugin, its validated config and the Ingester's filters, dedup and
 * webhook settings. It wraps every plugin hook so a plugin's error loses that one input's
 * events (counted, logged) and never reaches the host.
 */
export class SourceInstance implements PipelineSource {
  readonly source: string;
  readonly filter: EventFilter;
  readonly dedup: { enabled: boolean; windowMs: number; fields?: readonly string[] };
  readonly defaultNamespace: string;
  readonly scope: readonly string[];
  readonly ttlSecondsAfterCreation: number;
  readonly webhookPath?: string;
  readonly auth?: WebhookAuth;
  readonly ctx: PluginContext<unknown>;
  private readonly abort = new AbortController();
  private started = false;

  private constructor(
    readonly id: string,
    readonly loaded: LoadedPlugin,
    readonly spec: SourceSpec,
    config: unknown,
    private readonly opts: InstanceOptions,
  ) {
    const plugin = loaded.plugin;
    this.source = plugin.name;
    this.filter = compileFilter(spec.filters, spec.namespaces);
    const d = spec.deduplication ?? {};
    this.dedup = { enabled: d.enabled ?? true, windowMs: (d.windowSeconds ?? opts.dedupWindowSeconds) * 1000, fields: d.fields };
    this.defaultNamespace = opts.namespace;
    this.scope = spec.namespaces?.length ? spec.namespaces : opts.scope;
    this.ttlSecondsAfterCreation = spec.ttlSecondsAfterCreation ?? opts.defaultTtlSeconds;
    if (plugin.kind === 'webhook') {
      this.webhookPath = spec.webhook?.path ?? opts.defaultPath;
      this.auth = spec.webhook?.auth;
    }
    const log = opts.log.child({ plugin: plugin.name, instance: id });
    this.ctx = {
      plugin: plugin.name,
      name: id,
      config: config as Readonly<unknown>,
      namespaces: spec.namespaces ?? [],
      log,
      metrics: pluginMetrics(opts.registry, plugin.name),
      signal: this.abort.signal,
      emit: (events) => {
        const { valid, invalid } = checkEvents(Array.isArray(events) ? events : [events]);
        logInvalid(this.source, log, invalid);
        if (invalid.length > 0) opts.metrics.dropped.inc({ source: this.source, reason: 'invalid_event' }, invalid.length);
        if (valid.length > 0) opts.emit(this, valid);
      },
    };
  }

  /** Validates the spec against the plugin and builds the instance, or says why not. */
  static build(plugins: ReadonlyMap<string, LoadedPlugin>, opts: InstanceOptions): BuildResult {
    const loaded = plugins.get(opts.spec.source);
    if (!loaded) {
      return { ok: false, reason: 'UnknownSource', message: `no plugin named "${opts.spec.source}"; installed: ${[...plugins.keys()].sort().join(', ')}` };
    }
    let config: unknown = Object.freeze({ ...(opts.spec.config ?? {}) });
    if (loaded.plugin.config) {
      const r = resolveWithDefaults(loaded.plugin.config, opts.spec.config ?? {});
      if (!r.ok) return { ok: false, reason: 'InvalidConfig', message: `spec.config is invalid:\n${formatIssues(r.issues.map((i) => ({ ...i, path: `spec.config${i.path === '/' ? '' : i.path.replaceAll('/', '.')}` })))}` };
      config = r.value;
    }
    // A shard covers its WATCH_NAMESPACE only: an Ingester naming others would have two shards
    // process one namespace (or one shard watch what its RBAC does not grant).
    const outside = opts.scope.length > 0 ? (opts.spec.namespaces ?? []).filter((ns) => !opts.scope.includes(ns)) : [];
    if (outside.length > 0) {
      return { ok: false, reason: 'NamespaceOutOfScope', message: `spec.namespaces names ${outside.join(', ')}, outside this deployment's WATCH_NAMESPACE (${opts.scope.join(', ')}): list only those, or install a shard for the others` };
    }
    const problems = filterProblems(opts.spec.filters);
    if (problems.length > 0) return { ok: false, reason: 'InvalidFilters', message: problems.join('\n') };
    const authProblem = opts.authProblem?.(opts.spec.webhook?.auth);
    if (authProblem) return { ok: false, reason: 'InvalidWebhook', message: authProblem };
    if (loaded.plugin.kind === 'informer' && opts.spec.webhook) {
      return { ok: false, reason: 'InvalidWebhook', message: `spec.webhook is set but "${loaded.plugin.name}" is an informer source, not a webhook` };
    }
    return { ok: true, instance: new SourceInstance(opts.id, loaded, opts.spec, config, opts) };
  }

  get kind(): 'webhook' | 'informer' {
    return this.loaded.plugin.kind;
  }

  get log(): Logger {
    return this.ctx.log as Logger;
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Resources an informer instance watches (empty for webhooks). */
  resources(): readonly WatchedResource[] {
    const p = this.loaded.plugin;
    return p.kind === 'informer' ? watchedResources(p, this.ctx.config as never) : [];
  }

  async start(): Promise<void> {
    if (this.started) return;
    try {
      await this.loaded.plugin.start?.(this.ctx as never);
    } catch (err) {
      throw new ZenWatcherError(ErrorCodes.PLUGIN_START, `plugin "${this.source}" (${this.loaded.packageName}) failed to start: ${(err as Error).message}`, { cause: err });
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    if (!this.started) return;
    this.started = false;
    try {
      await this.loaded.plugin.stop?.(this.ctx as never);
    } catch (err) {
      this.log.warn({ err }, 'plugin stop hook failed');
    }
  }

  /** Runs `handle` on a read, schema-checked body. Undefined means the hook threw (counted). */
  async handle(body: unknown, req: WebhookRequest): Promise<SourceEvent[] | undefined> {
    const p = this.loaded.plugin;
    if (p.kind !== 'webhook') return [];
    return this.guard('handle', () => (p.handle as (b: unknown, c: unknown, r: WebhookRequest) => unknown)(body, this.ctx, req));
  }

  /** Runs `onEvent` for one informer callback. Undefined means the hook threw (counted). */
  async onEvent(type: InformerEventType, obj: KubeObject): Promise<SourceEvent[] | undefined> {
    const p = this.loaded.plugin;
    if (p.kind !== 'informer') return [];
    return this.guard('onEvent', () => p.onEvent(type, obj, this.ctx as never));
  }

  // The same guard (and log lines) as the testing harness: a throw loses this input's events.
  private async guard(hook: string, run: () => unknown): Promise<SourceEvent[] | undefined> {
    const r = await guardHook(this.source, hook, this.log, run);
    if (r.error !== undefined) {
      this.opts.metrics.dropped.inc({ source: this.source, reason: 'plugin_error' });
      return undefined;
    }
    if (r.invalid.length > 0) this.opts.metrics.dropped.inc({ source: this.source, reason: 'invalid_event' }, r.invalid.length);
    return r.events;
  }
}
