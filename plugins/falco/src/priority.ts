import type { Severity } from '@zen-watcher/sdk';
import { severityOfWord } from '@zen-watcher/sdk/helpers';

/**
 * Falco's eight priorities, most severe first (the syslog levels).
 *
 * @example
 * ```ts
 * PRIORITIES.indexOf('error') < PRIORITIES.indexOf('notice'); // true
 * ```
 */
export const PRIORITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'informational', 'debug'] as const;

/**
 * One Falco priority, lower-cased.
 *
 * @example
 * ```ts
 * const p: Priority = 'warning';
 * ```
 */
export type Priority = (typeof PRIORITIES)[number];


// Short syslog spellings that Falco's own parser (and falcosidekick's) accept as well.
const ALIASES: ReadonlyMap<string, Priority> = new Map<string, Priority>([
  ...PRIORITIES.map((p) => [p, p] as const),
  ['emerg', 'emergency'],
  ['crit', 'critical'],
  ['err', 'error'],
  ['warn', 'warning'],
  ['info', 'informational'],
]);

/**
 * Reads a priority as Falco writes it (`Critical`, `WARNING`, `info`), case-insensitively.
 * A Map, not an object, so a payload's `constructor` cannot resolve to anything.
 *
 * @example
 * ```ts
 * parsePriority('Informational'); // 'informational'
 * parsePriority('bogus');         // undefined
 * ```
 */
export function parsePriority(raw: string): Priority | undefined {
  return ALIASES.get(raw.trim().toLowerCase());
}

/**
 * The severity of a priority on the sdk's one scale, which reads Falco's syslog levels as it
 * reads every tool's words: emergency, alert, critical → critical; error → high; warning →
 * medium; notice → low; informational, debug → info.
 *
 * @example
 * ```ts
 * severityOf('error'); // 'high'
 * ```
 */
export function severityOf(p: Priority): Severity {
  return severityOfWord(p) ?? 'info';
}

/**
 * True when `p` is at least as severe as `min`.
 *
 * @example
 * ```ts
 * atLeastPriority('notice', 'warning'); // false
 * ```
 */
export function atLeastPriority(p: Priority, min: Priority): boolean {
  return PRIORITIES.indexOf(p) <= PRIORITIES.indexOf(min);
}
