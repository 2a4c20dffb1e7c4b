import type { SchemaIssue } from '../errors.js';
import { checkEvents, type InvalidEvent } from '../event-check.js';
import type { Logger } from '../plugin.js';
import type { SourceEvent } from '../source-event.js';

/**
 * What running one plugin hook came to: its valid events, the ones that break the SourceEvent
 * schema, and the error if it threw (then no events at all: that input is lost, counted).
 *
 * @example
 * ```ts
 * const r = await guardHook('falco', 'handle', log, () => plugin.handle(body, ctx, req));
 * ```
 */
export interface GuardedHook {
  events: SourceEvent[];
  invalid: InvalidEvent[];
  error?: unknown;
}

/**
 * Runs a plugin hook the way the host runs every hook: a throw is caught, logged once at error
 * with the plugin and hook named, and loses that input's events; events that break the schema
 * are dropped and logged at warn with their issues. The host counts both; the testing harness
 * records them; both log the same lines.
 *
 * @example
 * ```ts
 * const { events, invalid, error } = await guardHook('trivy', 'onEvent', ctx.log, () => trivy.onEvent('add', obj, ctx));
 * ```
 */
export async function guardHook(plugin: string, hook: string, log: Logger, run: () => unknown): Promise<GuardedHook> {
  let returned: unknown;
  try {
    returned = await run();
  } catch (err) {
    log.error({ err, hook }, `plugin "${plugin}" ${hook} threw; its events for this input are dropped`);
    return { events: [], invalid: [], error: err };
  }
  const { valid, invalid } = checkEvents(returned);
  logInvalid(plugin, log, invalid);
  return { events: valid, invalid };
}

/** Logs events that break the SourceEvent schema, as the host does (once per batch). */
export function logInvalid(plugin: string, log: Logger, invalid: readonly { issues: readonly SchemaIssue[] }[]): void {
  if (invalid.length === 0) return;
  log.warn({ count: invalid.length, issues: invalid[0].issues }, `plugin "${plugin}" returned events that break the SourceEvent schema; dropped`);
}
