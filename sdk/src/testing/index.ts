import type { TSchema } from 'typebox';
import { ErrorCodes, ZenWatcherError, type SchemaIssue } from '../errors.js';
import { checkEvents, type InvalidEvent } from '../event-check.js';
import { FindingIndex } from '../host/finding-index.js';
import { guardHook, logInvalid } from '../host/hook-guard.js';
import { withoutCredentials } from '../host/credentials.js';
import { checkWebhookValue, readWebhookBody } from '../host/webhook-body.js';
import {
  validatePluginShape,
  watchedResources,
  type InformerEventType,
  type InformerPlugin,
  type KubeObject,
  type Logger,
  type PluginContext,
  type PluginMetrics,
  type WebhookBatchPlugin,
  type WebhookPlugin,
} from '../plugin.js';
import { formatIssues, resolveWithDefaults } from '../schema-check.js';
import type { SourceEvent } from '../source-event.js';
import { WatchDelivery } from './selectors.js';

/**
 * A log line captured by the harness.
 *
 * @example
 * ```ts
 * expect(result.logs.some((l) => l.level === 'warn')).toBe(true);
 * ```
 */
export interface LogRecord {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  msg?: string;
  obj?: object;
}

/**
 * What a harness run produced.
 *
 * @example
 * ```ts
 * const { events, invalid, logs, metrics } = await runInformer(plugin, { events: [...] });
 * ```
 */
export interface RunResult {
  /** Valid events the host would write, in order (returned by hooks and emitted through `ctx.emit`). */
  events: SourceEvent[];
  /** Events that failed the SourceEvent schema; the host drops these (counted, logged). */
  invalid: InvalidEvent[];
  /** Errors thrown by hooks; the host drops that input's events (counted, logged). */
  errors: Error[];
  /** Log lines, the host's own about the plugin included (a hook that threw, invalid events). */
  logs: LogRecord[];
  /** Plugin metrics by `name{label="value",...}`. */
  metrics: Record<string, number>;
}

/**
 * The result of {@link runWebhook}: `status` is what the host would answer (200; 400 for a
 * body that does not parse or fails the plugin's schema, with `issues`; 415 for a content type
 * the host does not take; 500 if `handle` threw). For a batch plugin, `invalidItems` counts the
 * items left out of a 200 (their problems are in `issues`, with their `index`).
 *
 * @example
 * ```ts
 * const r = await runWebhook(falco, { rawBody: '{', contentType: 'application/json' });
 * r.status; // 400
 * ```
 */
export interface WebhookRunResult extends RunResult {
  status: 200 | 400 | 415 | 500;
  issues: (SchemaIssue & { index?: number })[];
  invalidItems: number;
}

/**
 * Options of {@link runWebhook}. Give `rawBody` (text read exactly as the host reads it, by
 * `contentType`: `application/json` when not given, `''` for a request without one, which the
 * host refuses with 415), or `body` (a value taken as already parsed, then checked as the host
 * checks it). `headers` reach the plugin as the host passes them: names in lower case, the
 * content type among them, without credentials.
 *
 * @example
 * ```ts
 * await runWebhook(plugin, { config: { minPriority: 'warning' }, body: alert });
 * ```
 */
export interface RunWebhookOptions {
  config?: unknown;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  namespaces?: string[];
}

/**
 * One informer callback to replay.
 *
 * @example
 * ```ts
 * const e: InformerInput = { type: 'add', object: report };
 * ```
 */
export interface InformerInput {
  type: InformerEventType;
  object: KubeObject;
}

/**
 * Options of {@link runInformer}.
 *
 * @example
 * ```ts
 * await runInformer(trivy, { config: { minSeverity: 'high' }, events: [{ type: 'add', object: report }] });
 * ```
 */
export interface RunInformerOptions {
  config?: unknown;
  events: InformerInput[];
  namespaces?: string[];
}

/**
 * The result of {@link runInformer}: `events` are every valid event the hooks returned;
 * `written` are those the host would write (for a state-like source, only the findings an
 * object did not yield before: an update that adds two findings to a report of five hundred
 * writes two); `resolved` are the findings (`namespace/dedupKey`) no object yields any more;
 * `skipped` are inputs the host would never deliver (
 * not matching the resource's label or field selector, which the API server applies).
 *
 * @example
 * ```ts
 * const r = await runInformer(trivy, { events: [{ type: 'add', object: a }, { type: 'update', object: b }] });
 * r.resolved; // findings of a that b no longer has
 * ```
 */
export interface InformerRunResult extends RunResult {
  written: SourceEvent[];
  resolved: string[];
  skipped: { object: KubeObject; reason: string }[];
}

class Capture {
  readonly logs: LogRecord[] = [];
  readonly metrics: Record<string, number> = {};
  readonly emitted: unknown[] = [];

  logger(bindings: Record<string, unknown> = {}): Logger {
    const at =
      (level: LogRecord['level']) =>
      (obj: object | string, msg?: string): void => {
        if (typeof obj === 'string') this.logs.push({ level, msg: obj, obj: bindings });
        else this.logs.push({ level, msg, obj: { ...bindings, ...obj } });
      };
    return {
      trace: at('trace'),
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (more) => this.logger({ ...bindings, ...more }),
    };
  }

  pluginMetrics(): PluginMetrics {
    const key = (name: string, labels: Record<string, string> = {}): string => {
      const parts = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`);
      return parts.length ? `${name}{${parts.join(',')}}` : name;
    };
    return {
      counter: (name) => ({
        inc: (labels, value = 1) => {
          const k = key(name, labels);
          this.metrics[k] = (this.metrics[k] ?? 0) + value;
        },
      }),
      gauge: (name) => ({
        set: (labels, value) => {
          this.metrics[key(name, labels)] = value;
        },
      }),
    };
  }
}

function resolveConfig(plugin: { name: string; config?: TSchema }, raw: unknown): unknown {
  if (!plugin.config) return Object.freeze({ ...(raw as object) });
  const r = resolveWithDefaults(plugin.config, raw ?? {});
  if (!r.ok) {
    throw new ZenWatcherError(ErrorCodes.CONFIG_INVALID, `config of plugin "${plugin.name}" is invalid:\n${formatIssues(r.issues)}`, {
      issues: r.issues,
    });
  }
  return r.value;
}

function assertShape(plugin: unknown, kind: 'webhook' | 'informer'): void {
  const problems = validatePluginShape(plugin);
  if (problems.length > 0) throw new TypeError(`not a valid plugin: ${problems.join('; ')}`);
  if ((plugin as { kind: string }).kind !== kind) throw new TypeError(`expected a ${kind} plugin`);
}

function contextFor<C>(plugin: { name: string }, config: C, capture: Capture, namespaces: string[], signal: AbortSignal): PluginContext<C> {
  return {
    plugin: plugin.name,
    name: plugin.name,
    config: config as Readonly<C>,
    namespaces,
    log: capture.logger({ plugin: plugin.name }),
    metrics: capture.pluginMetrics(),
    signal,
    emit: (events) => {
      capture.emitted.push(...(Array.isArray(events) ? events : [events]));
    },
  };
}

/**
 * Runs a webhook plugin on one request body with no host and no cluster, exactly as the host
 * would: config defaults and validation, body reading by content type (JSON or NDJSON), the
 * body or per-item schema check, credential headers removed, the `handle` hook guarded as the
 * host guards it, and the SourceEvent check of each result. `start` and `stop` run around it.
 *
 * @example
 * ```ts
 * import { runWebhook } from '@zen-watcher/sdk/testing';
 * import falco from '../src/index.js';
 *
 * const r = await runWebhook(falco, { rawBody: readFileSync('alert.json', 'utf8') });
 * expect(r.status).toBe(200);
 * expect(r.events[0].severity).toBe('critical');
 * ```
 */
export async function runWebhook(plugin: WebhookPlugin<TSchema, TSchema> | WebhookBatchPlugin<TSchema, TSchema>, options: RunWebhookOptions): Promise<WebhookRunResult> {
  assertShape(plugin, 'webhook');
  const capture = new Capture();
  const config = resolveConfig(plugin, options.config);
  const abort = new AbortController();
  const ctx = contextFor(plugin, config, capture, options.namespaces ?? [], abort.signal);
  const result: WebhookRunResult = { status: 200, issues: [], invalidItems: 0, events: [], invalid: [], errors: [], logs: capture.logs, metrics: capture.metrics };

  const read = options.rawBody !== undefined ? readWebhookBody(plugin, options.rawBody, contentTypeOf(options)) : checkWebhookValue(plugin, options.body);
  if (!read.ok) return { ...result, status: read.status, issues: read.issues };
  result.issues = read.issues;
  result.invalidItems = read.invalidItems;

  await plugin.start?.(ctx);
  const req = { headers: requestHeaders(options), receivedAt: new Date().toISOString(), envelope: read.envelope };
  const run = await guardHook(plugin.name, 'handle', ctx.log, () => (plugin.handle as (b: unknown, c: unknown, r: unknown) => unknown)(read.body, ctx, req));
  if (run.error !== undefined) {
    result.status = 500;
    result.errors.push(run.error as Error);
  }
  result.events.push(...run.events);
  result.invalid.push(...run.invalid);
  collectEmitted(plugin.name, ctx.log, result, capture.emitted.splice(0));
  abort.abort();
  await plugin.stop?.(ctx);
  return result;
}

/** The content type the request is sent with ('' for none). */
function contentTypeOf(options: RunWebhookOptions): string {
  return options.contentType ?? 'application/json';
}

/**
 * The headers a plugin is shown, as the host shows them: names in lower case (as Node.js reads
 * them, so `Authorization` is stripped like `authorization`), the content type among them,
 * credentials removed.
 */
function requestHeaders(options: RunWebhookOptions): Record<string, string> {
  const contentType = contentTypeOf(options);
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  return withoutCredentials(headers);
}

/**
 * Replays informer callbacks through an informer plugin with no host and no cluster, as the
 * host delivers them: only objects of the plugin's resources matching their selectors (one that
 * stops matching arrives as a `delete`, one that starts to as an `add`, as a watch sends them), each
 * hook guarded as the host guards it (a throw loses only that input's events, logged), and for
 * a state-like source the host's own diff: per object it remembers the findings, not the
 * object, and an update yields only the findings that object did not yield before.
 *
 * @example
 * ```ts
 * import { runInformer } from '@zen-watcher/sdk/testing';
 *
 * const r = await runInformer(trivy, { events: [{ type: 'add', object: report }] });
 * expect(r.events).toHaveLength(3);
 * ```
 */
export async function runInformer(plugin: InformerPlugin<TSchema>, options: RunInformerOptions): Promise<InformerRunResult> {
  assertShape(plugin, 'informer');
  const capture = new Capture();
  const config = resolveConfig(plugin, options.config);
  const abort = new AbortController();
  const ctx = contextFor(plugin, config, capture, options.namespaces ?? [], abort.signal);
  const result: InformerRunResult = { events: [], written: [], invalid: [], errors: [], logs: capture.logs, metrics: capture.metrics, resolved: [], skipped: [] };
  const resources = watchedResources(plugin, config as never);
  const index = plugin.semantics === 'event' ? undefined : new FindingIndex();
  await plugin.start?.(ctx);
  const watch = new WatchDelivery(resources);
  for (const input of options.events) {
    const sent = watch.next(input.type, input.object);
    if (!sent) {
      result.skipped.push({ object: input.object, reason: `does not match ${resources.map((r) => [r.labelSelector && `labelSelector ${r.labelSelector}`, r.fieldSelector && `fieldSelector ${r.fieldSelector}`].filter(Boolean).join(', ')).join(' or ')}` });
      continue;
    }
    const { type, object: obj } = sent;
    const run = await guardHook(plugin.name, 'onEvent', ctx.log, () => plugin.onEvent(type, obj, ctx));
    if (run.error !== undefined) result.errors.push(run.error as Error);
    result.invalid.push(...run.invalid);
    result.events.push(...run.events);
    result.written.push(...(index ? diffed(index, type, obj, run.events, result) : run.events));
    const emitted = collectEmitted(plugin.name, ctx.log, result, capture.emitted.splice(0));
    result.written.push(...emitted);
  }
  abort.abort();
  await plugin.stop?.(ctx);
  return result;
}

/** The host's diff for a state-like source: which of an object's findings are new. */
function diffed(index: FindingIndex, type: InformerEventType, obj: KubeObject, events: SourceEvent[], result: InformerRunResult): SourceEvent[] {
  const meta = obj !== null && typeof obj === 'object' ? obj.metadata : undefined;
  const key = `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
  if (type === 'delete') {
    result.resolved.push(...index.delete(key));
    return events;
  }
  const findingKey = (e: SourceEvent) => `${e.resource?.namespace ?? ''}/${e.dedupKey}`;
  const { added, removed } = index.set(key, String(meta?.resourceVersion ?? ''), events.map(findingKey));
  result.resolved.push(...removed);
  if (type === 'sync') return events;
  const fresh = new Set(added);
  return events.filter((e) => fresh.delete(findingKey(e)));
}

function collectEmitted(plugin: string, log: Logger, result: RunResult, emitted: unknown[]): SourceEvent[] {
  if (emitted.length === 0) return [];
  const { valid, invalid } = checkEvents(emitted);
  logInvalid(plugin, log, invalid);
  result.events.push(...valid);
  result.invalid.push(...invalid);
  return valid;
}
export { KUBECTL_YAML_OPTIONS, readFixtureObject, readFixtureObjects, type YamlDocumentsParser } from './fixtures.js';
export { matchesLabels, matchesFields } from './selectors.js';
