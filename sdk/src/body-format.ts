import type { BodyFormat } from './plugin.js';

/**
 * Why a webhook body could not be parsed; the host answers 400 with it.
 *
 * @example
 * ```ts
 * const r = parseWebhookBody('{', ['json']);
 * if (!r.ok) r.message; // 'body is not valid JSON: ...'
 * ```
 */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

// Keys that turn a parsed body into a prototype-pollution gadget once a plugin merges it, as
// written or with letters escaped (JSON.parse decodes `"\u005f_proto__"` to `__proto__`). The
// hint only picks the careful parse; the reviver decides on the decoded keys.
const POISON_HINT = /"(?:__proto__|constructor|prototype)"\s*:|\\u00[4-7][0-9a-fA-F]/;

function rejectPoison(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw new SyntaxError(`forbidden key "${key}"`);
  }
  return value;
}

function parseJson(text: string): unknown {
  return POISON_HINT.test(text) ? JSON.parse(text, rejectPoison) : JSON.parse(text);
}

/**
 * Parses a webhook body the way the host does: one JSON document, or with `ndjson` one JSON
 * value per non-blank line (returned as an array). A JSON body that fails to parse but has
 * several lines is read as NDJSON when the plugin accepts it, since Falco and many shippers
 * send NDJSON as `application/json`. Keys `__proto__` (and `constructor.prototype`) are refused.
 *
 * @example
 * ```ts
 * parseWebhookBody('{"a":1}\n{"a":2}\n', ['json', 'ndjson']); // { ok: true, value: [{a:1},{a:2}] }
 * ```
 */
export function parseWebhookBody(text: string, formats: readonly BodyFormat[], declared: BodyFormat = 'json'): ParsedBody {
  const ndjson = formats.includes('ndjson');
  if (declared === 'ndjson' && ndjson) return parseLines(text);
  if (declared === 'ndjson' && !ndjson) return { ok: false, message: 'this source does not accept NDJSON' };
  try {
    return { ok: true, value: parseJson(text) };
  } catch (err) {
    if (ndjson && text.trim().includes('\n')) {
      const lines = parseLines(text);
      if (lines.ok) return lines;
    }
    return { ok: false, message: `body is not valid JSON: ${(err as Error).message}` };
  }
}

function parseLines(text: string): ParsedBody {
  const out: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    try {
      out.push(parseJson(line));
    } catch (err) {
      return { ok: false, message: `line ${i + 1} is not valid JSON: ${(err as Error).message}` };
    }
  }
  if (out.length === 0) return { ok: false, message: 'body is empty' };
  return { ok: true, value: out };
}
