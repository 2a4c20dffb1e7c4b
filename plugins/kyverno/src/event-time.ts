import { eventTime } from '@zen-watcher/sdk/helpers';

/**
 * Converts a protobuf-style `{ seconds, nanos }` timestamp (PolicyReport results) to the
 * canonical form. `nanos` may be negative (the wg-policy trivy adapter writes such values);
 * the arithmetic handles it. Returns undefined for anything else.
 *
 * @example
 * ```ts
 * protoTime({ seconds: 1701868762, nanos: 0 }); // '2023-12-06T13:19:22.000Z'
 * ```
 */
export function protoTime(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const fraction = typeof nanos === 'number' && Number.isFinite(nanos) ? nanos / 1e6 : 0;
  const ms = seconds * 1000 + fraction;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return undefined;
  return eventTime(new Date(Math.floor(ms)).toISOString());
}
