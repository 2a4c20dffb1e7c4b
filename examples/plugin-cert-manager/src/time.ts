/** RFC 3339 as Kubernetes writes it (`2026-11-26T06:20:54Z`), with optional fraction and offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Milliseconds in a day; `warnDays`/`criticalDays` are whole days of 24 hours. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Parses an RFC 3339 timestamp to epoch milliseconds; undefined for anything else.
 *
 * @example
 * ```ts
 * parseTime('2026-11-29T08:00:00Z') === Date.UTC(2026, 10, 29, 8); // true
 * parseTime('next week');                                        // undefined
 * ```
 */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Epoch milliseconds as RFC 3339 in UTC, in Kubernetes' form (whole seconds without a fraction),
 * so one instant always reads the same however its source wrote it.
 *
 * @example
 * ```ts
 * iso(Date.parse('2026-11-29T08:00:00+01:00')); // '2026-11-29T07:00:00Z'
 * iso(Date.parse('2026-11-29T07:00:00.250Z'));  // '2026-11-29T07:00:00.250Z'
 * ```
 */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * A duration in whole days for a person ("3 days", "1 day", "less than a day").
 *
 * @example
 * ```ts
 * daysText(3.4 * DAY_MS); // '3 days'
 * ```
 */
export function daysText(ms: number): string {
  const days = Math.floor(Math.abs(ms) / DAY_MS);
  if (days === 0) return 'less than a day';
  return days === 1 ? '1 day' : `${days} days`;
}
