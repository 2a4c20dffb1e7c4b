import type { TSchema } from 'typebox';
import { parseWebhookBody } from '../body-format.js';
import { ErrorCodes, ZenWatcherError, type SchemaIssue } from '../errors.js';
import { checkEvents, type InvalidEvent } from '../event-check.js';
import {
  validatePluginShape,
  type BodyFormat,
  type InformerEventType,
  type InformerPlugin,
  type KubeObject,
  type Logger,
  type PluginContext,
  type PluginMetrics,
  type WebhookPlugin,
} from '../plugin.js';
import { checkSchema, formatIssues, resolveWithDefaults } from '../schema-check.js';
import type { SourceEvent } from '../source-event.js';

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
  /** Valid events, in order (returned by hooks and emitted through `ctx.emit`). */
  events: SourceEvent[];
  /** Events that failed the SourceEvent schema; the host drops these (counted). */
  invalid: InvalidEvent[];
  /** Errors thrown by hooks; the host drops that input's events (counted). */
  errors: Error[];
  logs: LogRecord[];
  /** Plugin metrics by `name{label="value",...}`. */
  metrics: Record<string, number>;
}

/**
 * The result of {@link runWebhook}: `status` is what the host would answer (200, or 400 for a
 * body that does not parse or fails the plugin's schema, with `issues`; 500 if `handle` threw).
 *
 * @example
 * ```ts
 * const r = await runWebhook(falco, { rawBody: '{', contentType: 'application/json' });
 * r.status; // 400
 * ```
 */
export interface WebhookRunResult extends RunResult {
  status: 200 | 400 | 500;
  issues: SchemaIssue[];
}

/**
 * Options of {@link runWebhook}. Give `body` (an already parsed value) or `rawBody` (text parsed
 * as the host parses it, by `contentType`).
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
  old?: KubeObject;
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

function declaredFormat(contentType: string | undefined): BodyFormat {
  return contentType && /ndjson|jsonl|json-seq/i.test(contentType) ? 'ndjson' : 'json';
}

/**
 * Runs a webhook plugin on one request body with no host and no cluster, exactly as the host
 * would: config defaults and validation, body parsing (JSON or NDJSON), body schema check, the
 * `handle` hook, and the SourceEvent check of each result. `start` and `stop` run around it.
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
export async function runWebhook(plugin: WebhookPlugin<TSchema, TSchema>, options: RunWebhookOptions): Promise<WebhookRunResult> {
  assertShape(plugin, 'webhook');
  const capture = new Capture();
  const config = resolveConfig(plugin, options.config);
  const abort = new AbortController();
  const ctx = contextFor(plugin, config, capture, options.namespaces ?? [], abort.signal);
  const result: WebhookRunResult = { status: 200, issues: [], events: [], invalid: [], errors: [], logs: capture.logs, metrics: capture.metrics };

  let body: unknown = options.body;
  if (options.rawBody !== undefined) {
    const parsed = parseWebhookBody(options.rawBody, plugin.accepts ?? ['json'], declaredFormat(options.contentType));
    if (!parsed.ok) return { ...result, status: 400, issues: [{ path: '/', message: parsed.message }] };
    body = parsed.value;
  }
  if (plugin.body) {
    const issues = checkSchema(plugin.body, body);
    if (issues.length > 0) return { ...result, status: 400, issues };
  }

  await plugin.start?.(ctx);
  try {
    const returned = await plugin.handle(body, ctx, { headers: options.headers ?? {}, receivedAt: new Date().toISOString() });
    collect(result, returned);
  } catch (err) {
    result.status = 500;
    result.errors.push(err as Error);
  }
  collect(result, capture.emitted.splice(0));
  abort.abort();
  await plugin.stop?.(ctx);
  return result;
}

/**
 * Replays informer callbacks through an informer plugin with no host and no cluster. Each
 * input's events are checked like the host checks them; a hook that throws loses only that
 * input's events (recorded in `errors`), as in the host.
 *
 * @example
 * ```ts
 * import { runInformer } from '@zen-watcher/sdk/testing';
 *
 * const r = await runInformer(trivy, { events: [{ type: 'add', object: report }] });
 * expect(r.events).toHaveLength(3);
 * ```
 */
export async function runInformer(plugin: InformerPlugin<TSchema>, options: RunInformerOptions): Promise<RunResult> {
  assertShape(plugin, 'informer');
  const capture = new Capture();
  const config = resolveConfig(plugin, options.config);
  const abort = new AbortController();
  const ctx = contextFor(plugin, config, capture, options.namespaces ?? [], abort.signal);
  const result: RunResult = { events: [], invalid: [], errors: [], logs: capture.logs, metrics: capture.metrics };
  await plugin.start?.(ctx);
  for (const input of options.events) {
    try {
      collect(result, await plugin.onEvent(input.type, input.object, ctx, input.old));
    } catch (err) {
      result.errors.push(err as Error);
    }
    collect(result, capture.emitted.splice(0));
  }
  abort.abort();
  await plugin.stop?.(ctx);
  return result;
}

function collect(result: RunResult, returned: unknown): void {
  const { valid, invalid } = checkEvents(returned);
  result.events.push(...valid);
  result.invalid.push(...invalid);
}
export { readFixtureObject, readFixtureObjects, type YamlDocumentsParser } from './fixtures.js';
