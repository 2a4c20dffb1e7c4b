import type { Severity } from '@zen-watcher/sdk';

/**
 * Words tools use for severity, mapped to the common scale. Alertmanager rules say
 * critical/warning/info (or major/minor), Flux says error/info, syslog-minded tools use their
 * levels, incident tools P1-P5 or sev1-sev4.
 */
const BUILT_IN: ReadonlyArray<readonly [Severity, readonly string[]]> = [
  ['critical', ['critical', 'crit', 'fatal', 'emergency', 'emerg', 'alert', 'page', 'disaster', 'blocker', 'p1', 'sev1', 'sev-1']],
  ['high', ['high', 'error', 'err', 'major', 'severe', 'p2', 'sev2', 'sev-2']],
  ['medium', ['medium', 'moderate', 'warning', 'warn', 'average', 'p3', 'sev3', 'sev-3']],
  ['low', ['low', 'minor', 'notice', 'p4', 'sev4', 'sev-4']],
  ['info', ['info', 'informational', 'information', 'debug', 'trace', 'none', 'ok', 'normal', 'p5']],
];

/**
 * A case-insensitive lookup from payload values to severities: the configured map over the
 * built-in one. A Map, so a payload value such as `constructor` resolves to nothing.
 *
 * @example
 * ```ts
 * const map = severityLookup({ page: 'critical' });
 * map.get('PAGE'.toLowerCase()); // 'critical'
 * map.get('major');              // 'high'
 * ```
 */
export function severityLookup(configured: Readonly<Record<string, Severity>>): ReadonlyMap<string, Severity> {
  const map = new Map<string, Severity>();
  for (const [severity, words] of BUILT_IN) for (const w of words) map.set(w, severity);
  for (const [word, severity] of Object.entries(configured)) map.set(word.trim().toLowerCase(), severity);
  return map;
}
