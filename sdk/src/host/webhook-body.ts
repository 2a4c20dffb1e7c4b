import { parseWebhookBody } from '../body-format.js';
import type { SchemaIssue } from '../errors.js';
import type { BodyFormat, WebhookBatchPlugin, WebhookPlugin } from '../plugin.js';
import { checkSchema } from '../schema-check.js';
import { LIMITS } from '../source-event.js';

/** JSON in all its spellings (`application/json`, `application/cloudevents+json`, ...). */
export const JSON_CONTENT_TYPE = /^application\/(?:[\w.-]+\+)?json(?:\s*;|$)/i;
/** NDJSON in its common spellings. */
export const NDJSON_CONTENT_TYPE = /^application\/(?:x-)?(?:ndjson|jsonl|json-seq|x-json-stream)(?:\s*;|$)/i;

/**
 * The body format a content type declares; undefined when the host does not take it (415).
 * A request without a content type is refused too, as the host's HTTP server (fastify) refuses
 * a body it cannot tell the type of.
 *
 * @example
 * ```ts
 * bodyFormatOf('application/x-ndjson; charset=utf-8'); // 'ndjson'
 * ```
 */
export function bodyFormatOf(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined || contentType === '') return undefined;
  if (NDJSON_CONTENT_TYPE.test(contentType)) return 'ndjson';
  if (JSON_CONTENT_TYPE.test(contentType)) return 'json';
  return undefined;
}

/**
 * A problem with a webhook body; `index` names the item of a batch it is about.
 *
 * @example
 * ```ts
 * const issue: BodyIssue = { index: 3, path: '/verb', message: 'is required' };
 * ```
 */
export interface BodyIssue extends SchemaIssue {
  index?: number;
}

/**
 * A webhook body read and checked as the host does it. `body` is what `handle` gets (for a batch
 * plugin, the valid items); `invalidItems` counts the items left out, `issues` says why (up to 20).
 *
 * @example
 * ```ts
 * const r = readWebhookBody(plugin, text, 'application/json');
 * if (!r.ok) reply.code(r.status).send({ message: r.message, issues: r.issues });
 * ```
 */
export type ReadBody =
  | { ok: true; body: unknown; envelope?: Record<string, unknown>; received: number; invalidItems: number; issues: BodyIssue[] }
  | { ok: false; status: 400 | 415; message: string; issues: BodyIssue[] };

const MAX_ISSUES = 20;

/**
 * Parses a webhook body by its content type and checks it against the plugin's schema: the
 * whole document against `body`, or each item of a batch against `item` (a JSON array, NDJSON
 * lines, one object, or an envelope object holding them under `itemsField`). The one
 * implementation both the host and `@zen-watcher/sdk/testing` use, so they answer alike.
 *
 * @example
 * ```ts
 * readWebhookBody(audit, '{"kind":"EventList","items":[{"auditID":"a"},{}]}', 'application/json');
 * // { ok: true, body: [<a>], received: 2, invalidItems: 1, issues: [{ index: 1, path: '/auditID', message: 'is required' }, ...] }
 * ```
 */
export function readWebhookBody(plugin: WebhookPlugin | WebhookBatchPlugin, text: string, contentType: string | undefined): ReadBody {
  const declared = bodyFormatOf(contentType);
  if (!declared) return { ok: false, status: 415, message: `unsupported content type ${JSON.stringify(contentType)}: send JSON or NDJSON`, issues: [] };
  const parsed = parseWebhookBody(text, plugin.accepts ?? ['json'], declared);
  if (!parsed.ok) return { ok: false, status: 400, message: parsed.message, issues: [{ path: '/', message: parsed.message }] };
  return checkWebhookValue(plugin, parsed.value);
}

/**
 * The schema half of {@link readWebhookBody}, on a value already parsed: the whole document
 * against `body`, or each item against `item`.
 *
 * @example
 * ```ts
 * checkWebhookValue(falco, [{ rule: 'r', priority: 'Notice' }, { rule: 'r' }]); // one valid item, one left out
 * ```
 */
export function checkWebhookValue(plugin: WebhookPlugin | WebhookBatchPlugin, value: unknown): ReadBody {
  if (plugin.item === undefined) {
    const issues = plugin.body ? checkSchema(plugin.body, value) : [];
    if (issues.length > 0) return { ok: false, status: 400, message: `body does not match the ${plugin.name} schema at ${issues[0].path}: ${issues[0].message}`, issues: issues.slice(0, MAX_ISSUES) };
    return { ok: true, body: value, received: 1, invalidItems: 0, issues: [] };
  }
  return readItems(plugin, value);
}

function readItems(plugin: WebhookBatchPlugin, value: unknown): ReadBody {
  let items: unknown[];
  let envelope: Record<string, unknown> | undefined;
  const field = plugin.itemsField;
  if (Array.isArray(value)) items = value;
  else if (field && isObject(value) && Array.isArray(value[field])) {
    items = value[field] as unknown[];
    envelope = Object.fromEntries(Object.entries(value).filter(([k]) => k !== field));
  } else items = [value];
  if (items.length > LIMITS.batchItems) {
    return { ok: false, status: 400, message: `a batch holds at most ${LIMITS.batchItems} items; this one holds ${items.length}: send smaller batches`, issues: [{ path: field && envelope ? `/${field}` : '/', message: `must have at most ${LIMITS.batchItems} items` }] };
  }
  const valid: unknown[] = [];
  const invalid: BodyIssue[] = [];
  let bad = 0;
  items.forEach((item, index) => {
    const issues = checkSchema(plugin.item, item);
    if (issues.length === 0) valid.push(item);
    else {
      bad++;
      for (const issue of issues) if (invalid.length < MAX_ISSUES) invalid.push({ index, ...issue });
    }
  });
  if (valid.length === 0 && bad > 0) {
    const first = invalid[0];
    const what = items.length === 1 && !Array.isArray(value) && !envelope ? 'the body' : `item ${first.index}`;
    return { ok: false, status: 400, message: `${what} does not match the ${plugin.name} schema at ${first.path}: ${first.message}${bad > 1 ? ` (and ${bad - 1} more item(s))` : ''}`, issues: invalid };
  }
  return { ok: true, body: valid, envelope, received: items.length, invalidItems: bad, issues: invalid };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
