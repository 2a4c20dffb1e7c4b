/**
 * Timestamps a source reports, normalised to the form the host stores for `detectedAt`:
 * `Date#toISOString()` (UTC, milliseconds). Two readers for two kinds of writer:
 * {@link eventTime} is strict, for RFC 3339 as Kubernetes objects carry it; {@link normalizeTime}
 * is lenient, for webhook payloads (epoch numbers in any unit, Go's `time.String()` form).
 */

/** RFC 3339 as Kubernetes writes it: `2022-12-08T15:50:37Z`, with optional fraction and offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The earliest time a source's timestamp may say before we stop believing it. Kubernetes did not
 * exist before 2014; what lands earlier is a placeholder: Go's zero time, a protobuf
 * `{seconds: 0, nanos: 0}` ("unset"), an epoch 0 from a node without a clock, or a writer that
 * put seconds-of-the-minute where epoch seconds belong. Such a time is treated as no time, so
 * the caller falls back to another one (the report's, the receive time). The host applies the
 * same bound to `detectedAt`, so a plugin and the host never disagree on what is believable.
 *
 * @example
 * ```ts
 * Date.parse(EARLIEST_BELIEVABLE_TIME); // 946684800000
 * ```
 */
export const EARLIEST_BELIEVABLE_TIME = '2000-01-01T00:00:00.000Z';

/**
 * How far in the future a source's timestamp may be before we stop believing it. Clocks of
 * nodes and controllers drift by seconds; a time an hour ahead is a bug in the writer (or a
 * hand-edited sample), and an Observation "detected" next year would sort above everything.
 *
 * @example
 * ```ts
 * MAX_FUTURE_SKEW_MS; // 3600000
 * ```
 */
export const MAX_FUTURE_SKEW_MS = 60 * 60 * 1000;

const EARLIEST_MS = Date.parse(EARLIEST_BELIEVABLE_TIME);

/**
 * Whether an epoch-milliseconds time is believable as the time of a finding: not before
 * {@link EARLIEST_BELIEVABLE_TIME} and at most {@link MAX_FUTURE_SKEW_MS} after `now`.
 *
 * @example
 * ```ts
 * isBelievableTime(0);                          // false (1970: a placeholder)
 * isBelievableTime(Date.parse('2023-05-25T13:44:05Z')); // true
 * ```
 */
export function isBelievableTime(ms: number, now: number = Date.now()): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= now + MAX_FUTURE_SKEW_MS;
}

/**
 * Parses an RFC 3339 timestamp into the canonical form the host stores (UTC, milliseconds).
 * Returns undefined for anything else, and for times that are not believable (see
 * {@link isBelievableTime}).
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
  return isBelievableTime(ms) ? new Date(ms).toISOString() : undefined;
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

// Webhook times arrive as RFC 3339 with any fraction (Falco sends nanoseconds) or as integer
// epoch values (Falco's `evt.time` is nanoseconds).
// RFC 3339 (a space may separate date and time, as RFC 3339 allows), plus the form Go's
// time.String() prints and some tools forward verbatim: `2020-05-21 02:58:07.829 +0000 UTC`.
const RFC3339_LENIENT = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))? ?(?:([Zz])|([+-])(\d{2}):?(\d{2}))(?: [A-Z]{1,5})?$/;

/**
 * Normalises an RFC 3339 string (or Go's `time.String()` form), or an epoch number (or string of digits) in seconds,
 * milliseconds, microseconds or nanoseconds, to RFC 3339 in UTC. Returns undefined for anything
 * else, including impossible dates (`2023-02-30`) and times that are not believable (Go's zero
 * time, epoch 0, more than an hour ahead: see {@link isBelievableTime}).
 *
 * @example
 * ```ts
 * normalizeTime('2023-05-25T13:44:05.478445995Z'); // '2023-05-25T13:44:05.478Z'
 * normalizeTime(1470327477881781397);              // '2016-08-04T16:17:57.881Z'
 * ```
 */
export function normalizeTime(value: unknown): string | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string' || value.length > 64) return undefined;
  if (/^\d{9,20}$/.test(value)) return fromEpoch(Number(value));
  const m = RFC3339_LENIENT.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  // A leap second (:60) is kept in the right minute rather than rejected.
  const second = Math.min(Number(m[6]), 59);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || Number(m[6]) > 60) return undefined;
  if (!m[8] && (Number(m[10]) > 23 || Number(m[11]) > 59)) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 2023-02-30 over to March; a changed day means the date did not exist.
  if (new Date(local).getUTCDate() !== day) return undefined;
  const offsetMinutes = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  return inRange(local - offsetMinutes * 60_000);
}

function fromEpoch(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  // The unit is inferred from the magnitude: seconds from 1973, milliseconds from 1973, ...
  const ms = n >= 1e17 ? n / 1e6 : n >= 1e14 ? n / 1e3 : n >= 1e11 ? n : n * 1e3;
  return inRange(Math.floor(ms));
}

function inRange(ms: number): string | undefined {
  return isBelievableTime(ms) ? new Date(ms).toISOString() : undefined;
}
