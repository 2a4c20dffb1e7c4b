/**
 * The one severity scale of zen-watcher (`critical > high > medium > low > info`) and how every
 * tool's words, scores and check results map onto it. Each bundled plugin reads its tool's
 * severity through these functions, so the same finding has the same severity whichever source
 * reports it: a kube-bench FAIL is `high` read from its JSON (configmap) and from a wg-policy
 * report (kyverno) alike.
 *
 * | what the tool says | severity |
 * |---|---|
 * | a word (case-insensitive; see {@link SEVERITY_WORDS}) | as listed |
 * | a CVSS-style score 0–10 | CVSS v3 rating: 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low, 0 info |
 * | a failed check that declares no severity: scored (counts towards a benchmark score) | high |
 * | the same, not scored; an error (the check could not decide) | medium |
 * | a warning (a manual check, a warn result) | low |
 * | a pass or a skip | info |
 */
import type { Severity } from '../source-event.js';

/**
 * The words tools use for severity, by the severity they mean. Syslog levels (Falco's
 * priorities), Trivy's CRITICAL/HIGH/MEDIUM/LOW/UNKNOWN, Alertmanager's conventions
 * (critical/warning/info, major/minor, page), incident tools' P1–P5 and sev1–sev4.
 *
 * @example
 * ```ts
 * SEVERITY_WORDS.high.includes('major'); // true
 * ```
 */
export const SEVERITY_WORDS: Readonly<Record<Severity, readonly string[]>> = {
  critical: ['critical', 'crit', 'fatal', 'emergency', 'emerg', 'alert', 'page', 'disaster', 'blocker', 'p0', 'p1', 'sev0', 'sev1', 'sev-0', 'sev-1'],
  high: ['high', 'error', 'err', 'major', 'severe', 'important', 'p2', 'sev2', 'sev-2'],
  medium: ['medium', 'moderate', 'warning', 'warn', 'average', 'p3', 'sev3', 'sev-3'],
  low: ['low', 'minor', 'notice', 'p4', 'sev4', 'sev-4'],
  // Trivy's UNKNOWN (no vendor scored it) and NONE sit at the bottom rather than being guessed up.
  info: ['info', 'informational', 'information', 'debug', 'trace', 'none', 'unknown', 'negligible', 'ok', 'normal', 'p5'],
};

// A Map, so a payload word such as `constructor` resolves to nothing.
const BY_WORD: ReadonlyMap<string, Severity> = new Map(
  (Object.entries(SEVERITY_WORDS) as [Severity, readonly string[]][]).flatMap(([severity, words]) => words.map((w) => [w, severity] as const)),
);

/**
 * The severity a word means, case-insensitively; undefined for anything else.
 *
 * @example
 * ```ts
 * severityOfWord('Warning'); // 'medium'
 * severityOfWord('HIGH');    // 'high'
 * severityOfWord('bogus');   // undefined
 * ```
 */
export function severityOfWord(value: unknown): Severity | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  return BY_WORD.get(value.trim().toLowerCase());
}

/**
 * The severity of a CVSS-style score from 0 to 10 (the CVSS v3 qualitative rating; 0 is
 * "none", here `info`). Undefined outside that range or for anything that is not a number.
 *
 * @example
 * ```ts
 * severityOfScore(9.1); // 'critical'
 * severityOfScore(6.5); // 'medium'
 * ```
 */
export function severityOfScore(value: unknown): Severity | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 10) return undefined;
  if (value >= 9) return 'critical';
  if (value >= 7) return 'high';
  if (value >= 4) return 'medium';
  if (value > 0) return 'low';
  return 'info';
}

/**
 * The outcome of one check of a benchmark or policy, as policy reports and scanners write it.
 *
 * @example
 * ```ts
 * const o: CheckOutcome = 'fail';
 * ```
 */
export type CheckOutcome = 'fail' | 'warn' | 'error' | 'pass' | 'skip';

/**
 * The severity of a check result that declares none of its own.
 *
 * @example
 * ```ts
 * CHECK_SEVERITY.failScored; // 'high'
 * ```
 */
export const CHECK_SEVERITY = {
  /** A failed check that counts towards a score (kube-bench's scored/automated checks). */
  failScored: 'high',
  /** A failed check that is not scored. */
  fail: 'medium',
  /** The check could not decide: as serious as an unscored failure until someone looks. */
  error: 'medium',
  /** A warning: kube-bench's manual checks, a policy's warn result. */
  warn: 'low',
  pass: 'info',
  skip: 'info',
} as const satisfies Record<string, Severity>;

/**
 * The severity of a check result without a severity of its own (see {@link CHECK_SEVERITY}).
 * `scored` is true only when the tool says so; a missing value is not scored.
 *
 * @example
 * ```ts
 * severityOfCheck('fail', true);  // 'high'
 * severityOfCheck('fail', false); // 'medium'
 * severityOfCheck('warn');        // 'low'
 * ```
 */
export function severityOfCheck(outcome: CheckOutcome, scored?: boolean): Severity {
  if (outcome === 'fail') return scored === true ? CHECK_SEVERITY.failScored : CHECK_SEVERITY.fail;
  return CHECK_SEVERITY[outcome];
}
