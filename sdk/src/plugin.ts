import type { Static, TSchema } from 'typebox';
import { ErrorCodes, ZenWatcherError } from './errors.js';
import type { SourceEvent } from './source-event.js';

/**
 * The version of the plugin contract this sdk implements. `definePlugin` stamps it on every
 * plugin as `apiVersion`; a host refuses plugins stamped with a version it does not know.
 *
 * @example
 * ```ts
 * import { PLUGIN_API_VERSION } from '@zen-watcher/sdk';
 * plugin.apiVersion === PLUGIN_API_VERSION; // true for plugins built with this sdk
 * ```
 */
export const PLUGIN_API_VERSION = 2 as const;

/**
 * A pino-compatible logger: the object first, the message second.
 *
 * @example
 * ```ts
 * ctx.log.warn({ rule }, 'unknown priority, treated as info');
 * ```
 */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * A counter created through {@link PluginMetrics}; the `plugin` label is added by the host.
 *
 * @example
 * ```ts
 * const skipped = ctx.metrics.counter('skipped_total', 'Alerts skipped', ['reason']);
 * skipped.inc({ reason: 'no_rule' });
 * ```
 */
export interface PluginCounter {
  inc(labels?: Record<string, string>, value?: number): void;
}

/**
 * A gauge created through {@link PluginMetrics}.
 *
 * @example
 * ```ts
 * ctx.metrics.gauge('queue_items', 'Items waiting').set({}, 3);
 * ```
 */
export interface PluginGauge {
  set(labels: Record<string, string>, value: number): void;
}

/**
 * Metrics a plugin may register. Names are prefixed with `zenwatcher_plugin_` and carry a
 * `plugin` label. Two plugins asking for the same name share one metric, told apart by that
 * label, so they must ask with the same label names: asking with others throws a `TypeError`
 * naming both (at `start`, or in the hook that asked). Prefix your names with your plugin's to
 * stay clear of others'.
 *
 * @example
 * ```ts
 * ctx.metrics.counter('parse_failures_total', 'Lines that were not JSON').inc();
 * ```
 */
export interface PluginMetrics {
  counter(name: string, help: string, labelNames?: readonly string[]): PluginCounter;
  gauge(name: string, help: string, labelNames?: readonly string[]): PluginGauge;
}

/**
 * What the host gives a plugin's hooks. A plugin imports nothing from the host; everything it
 * may use arrives here.
 *
 * @example
 * ```ts
 * handle(body, ctx) {
 *   ctx.log.debug({ rule: body.rule }, 'alert received');
 *   if (ctx.signal.aborted) return [];
 *   return [toEvent(body, ctx.config)];
 * }
 * ```
 */
export interface PluginContext<Config = unknown> {
  /** The plugin's name (its `spec.source`). */
  readonly plugin: string;
  /** The running instance: `<namespace>/<ingester>` for an Ingester, `config/<index>-<source>` for a config-file source. */
  readonly name: string;
  /** The validated configuration with defaults applied; frozen. */
  readonly config: Readonly<Config>;
  /** Namespaces this instance covers; empty means every namespace in the host's scope. */
  readonly namespaces: readonly string[];
  readonly log: Logger;
  readonly metrics: PluginMetrics;
  /**
   * Aborted when the instance stops (its Ingester changed or was deleted, or the host shuts
   * down). Note that `start`, and any timer it sets up, runs on every pod, informer plugins
   * included; only `onEvent` is gated by leadership.
   */
  readonly signal: AbortSignal;
  /** Hands events to the pipeline from outside a hook (a timer, a stream the plugin owns). */
  emit(events: SourceEvent | readonly SourceEvent[]): void;
}

/**
 * Request details a webhook hook may use. The host checks credentials and removes them
 * (`authorization` and the HMAC signature header) before the hook sees the headers.
 *
 * @example
 * ```ts
 * handle(body, ctx, req) { const agent = req.headers['user-agent']; ... }
 * ```
 */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** When the host received the request, RFC 3339. */
  readonly receivedAt: string;
  /**
   * For a plugin with an `item` schema whose items came inside an envelope object (an audit
   * `EventList`, an Alertmanager notification): that object without its items field.
   */
  readonly envelope?: Readonly<Record<string, unknown>>;
}

/**
 * A hook's result: events, synchronously or not. `undefined` means no events.
 *
 * @example
 * ```ts
 * const r: HookResult = [];
 * ```
 */
export type HookResult = readonly SourceEvent[] | undefined | Promise<readonly SourceEvent[] | undefined>;

interface PluginCommon<C extends TSchema> {
  /** kebab-case; the Ingester's `spec.source`, the log binding and the metric label. */
  name: string;
  /** Shown by `zen-watcher plugins`; defaults to the package version. */
  version?: string;
  description?: string;
  /** typebox schema of `spec.config`; defaults are applied and the result frozen before any hook. */
  config?: C;
  /** Called once per instance before any event; throwing aborts boot (local) or fails the Ingester. */
  start?(ctx: PluginContext<Static<C>>): void | Promise<void>;
  /** Called once when the instance stops. */
  stop?(ctx: PluginContext<Static<C>>): void | Promise<void>;
}

/**
 * Body formats a webhook plugin accepts. `json` is one JSON document (object or array);
 * `ndjson` is one JSON value a line, delivered to `handle` as an array.
 *
 * @example
 * ```ts
 * accepts: ['json', 'ndjson']
 * ```
 */
export type BodyFormat = 'json' | 'ndjson';

/**
 * A source served over HTTP by every replica (`POST /ingest/<name>` unless an Ingester says
 * otherwise), whose body is one document checked against `body`.
 *
 * @example
 * ```ts
 * const plugin: WebhookPlugin = definePlugin({ name: 'demo', kind: 'webhook', handle: () => [] });
 * ```
 */
export interface WebhookPlugin<C extends TSchema = TSchema, B extends TSchema = TSchema> extends PluginCommon<C> {
  kind: 'webhook';
  /** Schema the host validates the parsed body against before `handle`; 400 with the path on failure. */
  body?: B;
  item?: undefined;
  itemsField?: undefined;
  /** Body formats accepted; default `['json']`. */
  accepts?: readonly BodyFormat[];
  handle(body: Static<B>, ctx: PluginContext<Static<C>>, req: WebhookRequest): HookResult;
}

/**
 * A webhook source whose bodies are batches of items (Falco alerts, audit events, alerts):
 * the host checks each item against `item` on its own, hands `handle` the valid ones, and
 * counts and reports the others (answering 2xx with the bad items' index and field, or 400 when
 * none is valid), so one malformed item never costs the rest of its batch. Items arrive as a
 * JSON array, as NDJSON lines, as one object, or inside an envelope object under `itemsField`
 * (the envelope's other fields are in `req.envelope`).
 *
 * @example
 * ```ts
 * const audit = definePlugin({
 *   name: 'my-audit', kind: 'webhook', accepts: ['json', 'ndjson'],
 *   item: Type.Object({ auditID: Type.String(), verb: Type.String() }),
 *   itemsField: 'items', // an EventList { kind, apiVersion, items: [...] }
 *   handle: (events) => events.map((e) => ({ severity: 'info', category: 'security', eventType: 'api_call', title: e.verb, dedupKey: e.auditID })),
 * });
 * ```
 */
export interface WebhookBatchPlugin<C extends TSchema = TSchema, I extends TSchema = TSchema> extends PluginCommon<C> {
  kind: 'webhook';
  /** Schema of one item of a batch. */
  item: I;
  /** Where an envelope object holds its items (`items` for an audit EventList, `alerts` for Alertmanager). */
  itemsField?: string;
  body?: undefined;
  /** Body formats accepted; default `['json']`. */
  accepts?: readonly BodyFormat[];
  handle(items: Static<I>[], ctx: PluginContext<Static<C>>, req: WebhookRequest): HookResult;
}

/**
 * A Kubernetes resource an informer plugin watches.
 *
 * @example
 * ```ts
 * const r: WatchedResource = { group: 'wgpolicyk8s.io', version: 'v1alpha2', plural: 'policyreports', kind: 'PolicyReport' };
 * ```
 */
export interface WatchedResource {
  /** API group; `''` for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** false for cluster-scoped resources; default true. */
  namespaced?: boolean;
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * Kinds of informer callbacks: `add`, `update` and `delete` from the watch (and from a relist
 * after a 410, which the host diffs against what it knew); `sync` for every object of the first
 * list when a source starts — on start and on becoming leader — so a plugin can report the
 * findings that already exist. A plugin returns every finding the object holds, whatever the
 * type: the host remembers which findings each object produced (not the object) and writes only
 * the new ones on `update`; `sync` findings are recorded idempotently (an existing Observation is
 * left as it is). On `delete` the object is the last state the watch saw, or, when a relist no
 * longer finds it, a tombstone holding only `apiVersion`, `kind` and `metadata` (name,
 * namespace, uid, resourceVersion).
 *
 * @example
 * ```ts
 * onEvent(type, obj) { if (type === 'delete') return []; ... }
 * ```
 */
export type InformerEventType = 'add' | 'update' | 'delete' | 'sync';

/**
 * A Kubernetes object as the informer delivers it.
 *
 * @example
 * ```ts
 * const name = obj.metadata?.name;
 * ```
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * A source that watches the Kubernetes API. The host owns the watch (list, watch with
 * bookmarks, restarts, relists) and runs it on the leader (or the shard owner) only.
 *
 * `semantics` says what a missed watch event costs: `state` sources (reports kept in etcd) are
 * fully recovered by the relist a new leader does; `event` sources (core Events) are transient:
 * the relist recovers what the API server still keeps, and the host counts on the source's own
 * `count` (see {@link SourceEvent}) to merge repeats rather than double them.
 *
 * @example
 * ```ts
 * const plugin: InformerPlugin = definePlugin({
 *   name: 'demo', kind: 'informer',
 *   resources: [{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }],
 *   onEvent: () => [],
 * });
 * ```
 */
export interface InformerPlugin<C extends TSchema = TSchema> extends PluginCommon<C> {
  kind: 'informer';
  resources: readonly WatchedResource[] | ((config: Readonly<Static<C>>) => readonly WatchedResource[]);
  semantics?: 'state' | 'event';
  onEvent(type: InformerEventType, obj: KubeObject, ctx: PluginContext<Static<C>>): HookResult;
}

/**
 * A plugin as the host sees it: a webhook or an informer plugin, stamped with the contract
 * version.
 *
 * @example
 * ```ts
 * function describe(p: Plugin) { return `${p.name} (${p.kind})`; }
 * ```
 */
export type Plugin = (WebhookPlugin<TSchema, TSchema> | WebhookBatchPlugin<TSchema, TSchema> | InformerPlugin<TSchema>) & { readonly apiVersion: number };

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares a source plugin. It returns the same object stamped with `apiVersion`, and throws a
 * `TypeError` at once on misuse (bad name, unknown kind, missing hook), naming the plugin.
 *
 * @example
 * ```ts
 * import Type from 'typebox';
 * import { definePlugin } from '@zen-watcher/sdk';
 *
 * export default definePlugin({
 *   name: 'hello',
 *   kind: 'webhook',
 *   config: Type.Object({ severity: Type.String({ default: 'info' }) }),
 *   body: Type.Object({ text: Type.String() }),
 *   handle(body, ctx) {
 *     return [{
 *       severity: 'info', category: 'operations', eventType: 'hello',
 *       title: body.text.slice(0, 80), dedupKey: body.text,
 *     }];
 *   },
 * });
 * ```
 */
export function definePlugin<C extends TSchema, I extends TSchema>(
  plugin: WebhookBatchPlugin<C, I>,
): WebhookBatchPlugin<C, I> & { readonly apiVersion: typeof PLUGIN_API_VERSION };
export function definePlugin<C extends TSchema, B extends TSchema>(
  plugin: WebhookPlugin<C, B>,
): WebhookPlugin<C, B> & { readonly apiVersion: typeof PLUGIN_API_VERSION };
export function definePlugin<C extends TSchema>(
  plugin: InformerPlugin<C>,
): InformerPlugin<C> & { readonly apiVersion: typeof PLUGIN_API_VERSION };
export function definePlugin(plugin: WebhookPlugin | WebhookBatchPlugin | InformerPlugin): Plugin {
  const problems = validatePluginShape(plugin);
  if (problems.length > 0) {
    const name = typeof plugin?.name === 'string' ? `"${plugin.name}"` : '(unnamed)';
    throw new TypeError(`definePlugin ${name}: ${problems.join('; ')}`);
  }
  return Object.freeze({ ...plugin, apiVersion: PLUGIN_API_VERSION });
}

/**
 * Lists what is wrong with a would-be plugin object (empty when it is fine). The host uses it on
 * whatever a package exports, so a hand-written plugin object gets the same checks.
 *
 * @example
 * ```ts
 * validatePluginShape({ name: 'Bad Name', kind: 'webhook' });
 * // ['name must be kebab-case ...', 'a webhook plugin needs a handle(body, ctx) function']
 * ```
 */
export function validatePluginShape(plugin: unknown): string[] {
  if (!plugin || typeof plugin !== 'object') return ['a plugin must be an object'];
  const p = plugin as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof p.name !== 'string' || !NAME.test(p.name) || p.name.length > 63) {
    problems.push('name must be kebab-case (a-z, 0-9, dashes), at most 63 characters');
  }
  if (p.kind === 'webhook') {
    if (typeof p.handle !== 'function') problems.push('a webhook plugin needs a handle(body, ctx) function');
    if (p.accepts !== undefined) {
      const ok = Array.isArray(p.accepts) && p.accepts.length > 0 && p.accepts.every((f) => f === 'json' || f === 'ndjson');
      if (!ok) problems.push("accepts must be a non-empty list of 'json' | 'ndjson'");
    }
    if (p.item !== undefined && p.body !== undefined) problems.push('give body (one document) or item (batches of items), not both');
    if (p.itemsField !== undefined && (typeof p.itemsField !== 'string' || p.itemsField === '' || p.item === undefined)) {
      problems.push('itemsField must be a field name, and needs an item schema');
    }
  } else if (p.kind === 'informer') {
    if (typeof p.onEvent !== 'function') problems.push('an informer plugin needs an onEvent(type, obj, ctx) function');
    if (!Array.isArray(p.resources) && typeof p.resources !== 'function') {
      problems.push('an informer plugin needs resources: a list of { group, version, plural, kind } or a function of its config');
    }
    if (p.semantics !== undefined && p.semantics !== 'state' && p.semantics !== 'event') {
      problems.push("semantics must be 'state' or 'event'");
    }
  } else {
    problems.push("kind must be 'webhook' or 'informer'");
  }
  for (const hook of ['start', 'stop'] as const) {
    if (p[hook] !== undefined && typeof p[hook] !== 'function') problems.push(`${hook} must be a function`);
  }
  for (const schema of ['config', 'body', 'item'] as const) {
    if (p[schema] !== undefined && (typeof p[schema] !== 'object' || p[schema] === null)) {
      problems.push(`${schema} must be a typebox schema`);
    }
  }
  return problems;
}

/**
 * Checks a loaded plugin's contract version; throws `ZW_ERR_PLUGIN_API_VERSION` naming the
 * package when this sdk cannot run it. Contract 1 plugins still run where nothing they use
 * changed: webhook plugins, and informer plugins whose `onEvent` does not take the fourth `old`
 * parameter that contract 2 no longer gives (the host diffs findings itself).
 *
 * @example
 * ```ts
 * assertApiVersion(mod.default, '@acme/zen-watcher-plugin-foo');
 * ```
 */
export function assertApiVersion(plugin: { apiVersion?: unknown; name?: unknown; kind?: unknown; onEvent?: unknown }, packageName: string): void {
  if (plugin.apiVersion === PLUGIN_API_VERSION) return;
  if (plugin.apiVersion === 1 && (plugin.kind === 'webhook' || (typeof plugin.onEvent === 'function' && plugin.onEvent.length < 4))) return;
  const hint =
    plugin.apiVersion === 1
      ? 'contract 1 informer plugins receive the previous object as `old`, which contract 2 no longer gives (the host now writes only the new findings of an update itself): drop `old` from onEvent, return every finding the object holds, and rebuild with @zen-watcher/sdk 0.2 or later'
      : 'rebuild it with a matching @zen-watcher/sdk';
  throw new ZenWatcherError(
    ErrorCodes.PLUGIN_API_VERSION,
    `plugin package ${packageName} declares contract version ${JSON.stringify(plugin.apiVersion)}, this host supports ${PLUGIN_API_VERSION}; ${hint}`,
  );
}

/**
 * Resolves an informer plugin's watched resources for a given config.
 *
 * @example
 * ```ts
 * const resources = watchedResources(trivy, config);
 * ```
 */
export function watchedResources<C extends TSchema>(plugin: InformerPlugin<C>, config: Readonly<Static<C>>): readonly WatchedResource[] {
  return typeof plugin.resources === 'function' ? plugin.resources(config) : plugin.resources;
}
