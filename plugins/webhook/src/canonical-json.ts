import { createHash } from 'node:crypto';
import { clipPayload, isUnsafeKey } from '@zen-watcher/sdk/helpers';

const MAX_DEPTH = 64;

/**
 * Thrown when a value nests deeper than the canonical form follows (64 levels); the item is
 * dropped and counted rather than risking the stack.
 */
export class TooDeepError extends Error {
  constructor() {
    super(`value nests deeper than ${MAX_DEPTH} levels`);
    this.name = 'TooDeepError';
  }
}

/**
 * JSON with object keys sorted at every level, so two payloads that differ only in key order
 * (or whitespace) give the same text, and so the same hash.
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new TooDeepError();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k], depth + 1)}`).join(',')}}`;
}

/**
 * SHA-256 (hex) of the canonical JSON of a value.
 *
 * @example
 * ```ts
 * stableHash({ a: 1, b: 2 }) === stableHash({ b: 2, a: 1 }); // true
 * ```
 */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Bounds of {@link boundedCopy}. */
export interface CopyLimits {
  depth: number;
  stringChars: number;
  arrayItems: number;
  objectKeys: number;
  /** Rough total of characters copied; beyond it values become "…". */
  totalChars: number;
}

/** Small enough for an Observation's details many times over (the host caps them at 32 KiB). */
export const DETAILS_LIMITS: CopyLimits = { depth: 6, stringChars: 1024, arrayItems: 32, objectKeys: 64, totalChars: 12_000 };

/**
 * A bounded deep copy of payload data for `details`: nesting, strings, lists, keys and the total
 * size are capped (cut parts are marked with "…"), lone surrogates are replaced, and keys such
 * as `__proto__` are never copied.
 *
 * @example
 * ```ts
 * boundedCopy({ msg: 'x'.repeat(5000) }, DETAILS_LIMITS); // { msg: 'xxx…' } (1024 characters)
 * ```
 */
export function boundedCopy(value: unknown, limits: CopyLimits): unknown {
  const budget = { left: limits.totalChars };
  return copy(value, limits, 0, budget);
}

function copy(value: unknown, limits: CopyLimits, depth: number, budget: { left: number }): unknown {
  if (budget.left <= 0) return '…';
  if (typeof value === 'string') {
    const s = clipPayload(value, Math.min(limits.stringChars, Math.max(budget.left, 1)));
    budget.left -= s.length + 2;
    return s;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    budget.left -= 8;
    return value;
  }
  if (typeof value !== 'object') return null;
  if (depth >= limits.depth) {
    budget.left -= 3;
    return '…';
  }
  if (Array.isArray(value)) {
    const out = value.slice(0, limits.arrayItems).map((v) => copy(v, limits, depth + 1, budget));
    if (value.length > limits.arrayItems) out.push('…');
    return out;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (isUnsafeKey(key)) continue;
    if (n++ >= limits.objectKeys || budget.left <= 0) {
      out['…'] = true;
      break;
    }
    budget.left -= key.length + 4;
    out[clipPayload(key, 128)] = copy((value as Record<string, unknown>)[key], limits, depth + 1, budget);
  }
  return out;
}
