/** RFC 3339 as Kubernetes writes it: `2022-12-08T15:50:37Z`, with optional fraction and offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * How far in the future a source's timestamp may be before we stop believing it. Clocks of
 * nodes and controllers drift by seconds; a time an hour ahead is a bug in the writer (or a
 * hand-edited sample), and an Observation "detected" next year would sort above everything.
 */
const MAX_FUTURE_MS = 60 * 60 * 1000;

/**
 * Parses an RFC 3339 timestamp into the canonical form the host stores (UTC, milliseconds).
 * Returns undefined for anything else, and for times more than an hour in the future.
 *
 * @example
 * ```ts
 * eventTime('2022-12-08T15:50:37Z'); // '2022-12-08T15:50:37.000Z'
 * eventTime('yesterday');            // undefined
 * ```
 */
export function eventTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms > Date.now() + MAX_FUTURE_MS) return undefined;
  return new Date(ms).toISOString();
}

/**
 * The first candidate that is a usable timestamp (see {@link eventTime}).
 *
 * @example
 * ```ts
 * firstEventTime(report.updateTimestamp, metadata.creationTimestamp);
 * ```
 */
export function firstEventTime(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    const time = eventTime(candidate);
    if (time !== undefined) return time;
  }
  return undefined;
}
