import { SEVERITIES, type SourceEvent } from '@zen-watcher/sdk';
import type { ConfigMapConfig } from './config.js';

/**
 * Keeps at most `maxFindingsPerConfigMap` events, the most severe first (report order within a
 * severity, so a relist picks the same ones). Returns what was kept and how many were dropped.
 *
 * @example
 * ```ts
 * const { kept, dropped } = capFindings(events, config);
 * ```
 */
export function capFindings(events: SourceEvent[], config: Pick<ConfigMapConfig, 'maxFindingsPerConfigMap'>): { kept: SourceEvent[]; dropped: number } {
  const max = config.maxFindingsPerConfigMap;
  if (events.length <= max) return { kept: events, dropped: 0 };
  // Array.prototype.sort is stable, so equal severities keep their report order.
  const sorted = [...events].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
  return { kept: sorted.slice(0, max), dropped: events.length - max };
}
