import { SEVERITIES, type Severity } from '@zen-watcher/sdk';

const TRIVY_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  // Trivy's UNKNOWN (no score from any vendor) and NONE are kept, at the bottom of the scale.
  UNKNOWN: 'info',
  NONE: 'info',
};

/**
 * Maps a Trivy severity (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN) onto the common scale; a missing
 * or unrecognised value is `info`, like Trivy's UNKNOWN.
 *
 * @example
 * ```ts
 * trivySeverity('HIGH');    // 'high'
 * trivySeverity('UNKNOWN'); // 'info'
 * ```
 */
export function trivySeverity(value: unknown): Severity {
  return (typeof value === 'string' && TRIVY_SEVERITY[value.trim().toUpperCase()]) || 'info';
}

/**
 * Position on the common scale, 0 for critical: for sorting most severe first.
 *
 * @example
 * ```ts
 * severityRank('critical') < severityRank('low'); // true
 * ```
 */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
