import type { Severity } from '@zen-watcher/sdk';
import { severityOfScore, severityOfWord } from '@zen-watcher/sdk/helpers';

/**
 * Maps a Trivy severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN) onto the sdk's one scale; Trivy's
 * UNKNOWN (no vendor rated it) is `info`. A missing or unrecognised word falls back to the
 * CVSS-style `score` when there is one, else `info`.
 *
 * @example
 * ```ts
 * trivySeverity('HIGH');        // 'high'
 * trivySeverity('UNKNOWN');     // 'info'
 * trivySeverity(undefined, 9.8); // 'critical'
 * ```
 */
export function trivySeverity(value: unknown, score?: unknown): Severity {
  return severityOfWord(value) ?? severityOfScore(score) ?? 'info';
}
