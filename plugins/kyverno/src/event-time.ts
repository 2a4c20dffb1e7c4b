import { isBelievableTime } from '@zen-watcher/sdk/helpers';

/**
 * Converts a protobuf-style `{ seconds, nanos }` timestamp (PolicyReport results) to the
 * canonical form, or undefined when it is not a time worth believing:
 *
 * - `{ seconds: 0, nanos: 0 }` is Go's "unset" (the kube-bench adapter writes it on every
 *   result), not 1970; so is anything before the sdk's earliest believable time (falcosidekick
 *   writes the second of the minute in `seconds`). The caller falls back to the report's time.
 * - `nanos` outside ±1e9 is not a fraction of a second (the KubeArmor adapter copies the epoch
 *   seconds into it): it is ignored rather than allowed to shift the time by decades.
 * - Negative `nanos` (the wg-policy trivy adapter) are read arithmetically.
 *
 * @example
 * ```ts
 * protoTime({ seconds: 1701868762, nanos: 0 });          // '2023-12-06T13:19:22.000Z'
 * protoTime({ seconds: 0, nanos: 0 });                   // undefined
 * protoTime({ seconds: 1637497885, nanos: 1637497885 }); // '2021-11-21T12:31:25.000Z'
 * ```
 */
export function protoTime(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return undefined;
  const fraction = typeof nanos === 'number' && Number.isFinite(nanos) && Math.abs(nanos) < 1e9 ? nanos / 1e6 : 0;
  const ms = Math.floor(seconds * 1000 + fraction);
  return isBelievableTime(ms) ? new Date(ms).toISOString() : undefined;
}
