import { SEVERITIES, type SourceEvent } from '../source-event.js';

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
