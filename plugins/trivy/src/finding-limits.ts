import { atLeast, type Severity, type SourceEvent } from '@zen-watcher/sdk';
import type { TrivyConfig } from './config.js';
import { severityRank } from './severity.js';
import type { Tally } from './tally.js';

/**
 * Whether a finding of this severity passes `minSeverity`; counts the ones that do not.
 *
 * @example
 * ```ts
 * if (!passesMinSeverity('low', config, tally)) continue;
 * ```
 */
export function passesMinSeverity(severity: Severity, config: Pick<TrivyConfig, 'minSeverity'>, tally: Tally): boolean {
  if (atLeast(severity, config.minSeverity)) return true;
  tally.filter('below_min_severity');
  return false;
}

/**
 * Keeps at most `maxFindingsPerReport` events, the most severe first (report order within a
 * severity, so a relist picks the same ones). Returns what was kept and how many were dropped.
 *
 * @example
 * ```ts
 * const { kept, dropped } = capFindings(events, config);
 * ```
 */
export function capFindings(events: SourceEvent[], config: Pick<TrivyConfig, 'maxFindingsPerReport'>): { kept: SourceEvent[]; dropped: number } {
  const max = config.maxFindingsPerReport;
  if (events.length <= max) return { kept: events, dropped: 0 };
  // Array.prototype.sort is stable, so equal severities keep their report order.
  const sorted = [...events].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return { kept: sorted.slice(0, max), dropped: events.length - max };
}
