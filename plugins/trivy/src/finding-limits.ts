import { atLeast, type Severity } from '@zen-watcher/sdk';
import type { Tally } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';

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
