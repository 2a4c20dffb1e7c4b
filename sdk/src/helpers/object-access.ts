/**
 * Defensive readers for objects that come off the watch. Reports are written by other tools
 * (and by hand), so every field may be missing, null or of the wrong type; these return
 * `undefined` instead of throwing so a mapper can count the problem and move on.
 */

/**
 * The value as a plain object, or undefined for null, arrays and primitives.
 *
 * @example
 * ```ts
 * asRecord(obj.report)?.vulnerabilities;
 * ```
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The value when it is a non-empty string (after trimming), else undefined.
 *
 * @example
 * ```ts
 * asText(vuln.fixedVersion) ?? 'no fix';
 * ```
 */
export function asText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : undefined;
}

/**
 * The value when it is a finite number, else undefined.
 *
 * @example
 * ```ts
 * asNumber(vuln.score); // 9.1
 * ```
 */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Reads a list field: `null` and `undefined` are an empty list (Go writes a nil slice as
 * `null`), an array is itself, anything else is `'invalid'`.
 *
 * @example
 * ```ts
 * const vulns = asList(report.vulnerabilities);
 * if (vulns === 'invalid') return skip('invalid_vulnerabilities');
 * ```
 */
export function asList(value: unknown): unknown[] | 'invalid' {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : 'invalid';
}

/**
 * A copy of the object without the keys whose value is undefined: events and details then hold
 * only what the source said, and compare cleanly in tests. (A copy rather than `delete`, which
 * would drop V8's fast object shape on the hot path of a 1,000-finding report.)
 *
 * @example
 * ```ts
 * compact({ a: 1, b: undefined }); // { a: 1 }
 * ```
 */
export function compact<T extends object>(value: T): T {
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in source) if (source[key] !== undefined) out[key] = source[key];
  return out as T;
}
