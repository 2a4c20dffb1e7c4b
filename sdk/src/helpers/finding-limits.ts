import { SEVERITIES, type SourceEvent } from '../source-event.js';
import type { Tally } from './tally.js';

/**
 * Keeps at most `max` events, the most severe first (input order within a severity, so a relist
 * of the same object picks the same ones). Returns what was kept and how many were dropped.
 *
 * @example
 * ```ts
 * const { kept, dropped } = keepMostSevere(events, config.maxFindingsPerReport);
 * if (dropped > 0) tally.skip('too_many_findings', undefined, dropped);
 * ```
 */
export function keepMostSevere(events: SourceEvent[], max: number): { kept: SourceEvent[]; dropped: number } {
  if (events.length <= max) return { kept: events, dropped: 0 };
  // Array.prototype.sort is stable, so equal severities keep their input order.
  const sorted = [...events].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  return { kept: sorted.slice(0, max), dropped: events.length - max };
}

/**
 * Folds the findings of one object that share a dedup key into the first of them, and counts
 * what it folded on `tally.merged(reason)` (logged at debug with `where`), so a key collision
 * inside one report is visible instead of silently dropped. With `asOccurrences`, the kept
 * finding's `count` is the number of entries that shared the key: for adapters that append one
 * entry per occurrence (KubeArmor's, Falco's policy reports), that is how often it happened.
 *
 * @example
 * ```ts
 * const unique = mergeSameKey(events, tally, { reason: 'same_finding', where: { report }, asOccurrences: true });
 * ```
 */
export function mergeSameKey(
  events: SourceEvent[],
  tally: Pick<Tally, 'merged'>,
  opts: { reason: string; where?: Record<string, unknown>; asOccurrences?: boolean },
): SourceEvent[] {
  const byKey = new Map<string, { event: SourceEvent; n: number }>();
  for (const event of events) {
    const seen = byKey.get(event.dedupKey);
    if (seen) seen.n += 1;
    else byKey.set(event.dedupKey, { event, n: 1 });
  }
  if (byKey.size === events.length) return events;
  tally.merged(opts.reason, opts.where, events.length - byKey.size);
  return [...byKey.values()].map(({ event, n }) => (opts.asOccurrences && n > 1 ? { ...event, count: n } : event));
}
