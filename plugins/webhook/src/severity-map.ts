import type { Severity } from '@zen-watcher/sdk';
import { SEVERITY_WORDS } from '@zen-watcher/sdk/helpers';

/**
 * A case-insensitive lookup from payload values to severities: the configured map over the
 * sdk's one scale (`SEVERITY_WORDS`: Alertmanager's critical/warning/info and major/minor/page,
 * Flux's error/info, syslog levels, P1–P5, sev1–sev4...). A Map, so a payload value such as
 * `constructor` resolves to nothing.
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
  for (const [severity, words] of Object.entries(SEVERITY_WORDS) as [Severity, readonly string[]][]) for (const w of words) map.set(w, severity);
  for (const [word, severity] of Object.entries(configured)) map.set(word.trim().toLowerCase(), severity);
  return map;
}
