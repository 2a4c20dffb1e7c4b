import { checkSchema } from './schema-check.js';
import type { SchemaIssue } from './errors.js';
import { SourceEventSchema, type SourceEvent } from './source-event.js';

/**
 * An event a plugin returned that does not match the SourceEvent schema.
 *
 * @example
 * ```ts
 * for (const bad of checked.invalid) log.warn({ issues: bad.issues }, 'event dropped');
 * ```
 */
export interface InvalidEvent {
  event: unknown;
  issues: SchemaIssue[];
}

/**
 * Splits what a hook returned into valid events and invalid ones (with their issues). A result
 * that is not an array (or undefined) is one invalid entry.
 *
 * @example
 * ```ts
 * const { valid, invalid } = checkEvents(await plugin.handle(body, ctx, req));
 * ```
 */
export function checkEvents(result: unknown): { valid: SourceEvent[]; invalid: InvalidEvent[] } {
  if (result === undefined) return { valid: [], invalid: [] };
  if (!Array.isArray(result)) {
    return { valid: [], invalid: [{ event: result, issues: [{ path: '/', message: 'a hook must return an array of events' }] }] };
  }
  const valid: SourceEvent[] = [];
  const invalid: InvalidEvent[] = [];
  for (const event of result) {
    const issues = checkSchema(SourceEventSchema, event);
    if (issues.length === 0) valid.push(event as SourceEvent);
    else invalid.push({ event, issues });
  }
  return { valid, invalid };
}
