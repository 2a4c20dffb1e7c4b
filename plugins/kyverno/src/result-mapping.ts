import type { Category, Severity } from '@zen-watcher/sdk';
import { severityOfCheck, severityOfWord } from '@zen-watcher/sdk/helpers';
import type { KyvernoConfig } from './config.js';

/**
 * The five PolicyReport result values.
 *
 * @example
 * ```ts
 * RESULTS.includes('fail'); // true
 * ```
 */
export const RESULTS = ['fail', 'warn', 'error', 'pass', 'skip'] as const;

/**
 * One PolicyReport result value.
 *
 * @example
 * ```ts
 * const r: PolicyResult = 'warn';
 * ```
 */
export type PolicyResult = (typeof RESULTS)[number];

const EVENT_TYPE: Record<PolicyResult, string> = {
  fail: 'policy_violation',
  warn: 'policy_warning',
  error: 'policy_error',
  pass: 'policy_pass',
  skip: 'policy_skip',
};

const PAST_TENSE: Record<PolicyResult, string> = {
  fail: 'failed',
  warn: 'warned',
  error: 'errored',
  pass: 'passed',
  skip: 'skipped',
};

/**
 * Reads a result value, case-insensitively; undefined when it is not one of the five.
 *
 * @example
 * ```ts
 * readResult('Fail'); // 'fail'
 * ```
 */
export function readResult(value: unknown): PolicyResult | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return (RESULTS as readonly string[]).includes(lower) ? (lower as PolicyResult) : undefined;
}

/**
 * The value of a result: `result`, or `status` where `wgpolicyk8s.io/v1alpha1` writers (Kyverno
 * before 1.5, its CLI) put it. A v1alpha1 `status` that is not one of the five values
 * (`completed`, `planned`: the policy's implementation readiness in one draft) is no result.
 *
 * @example
 * ```ts
 * resultValueOf({ status: 'fail' }); // 'fail'
 * ```
 */
export function resultValueOf(result: Record<string, unknown>): PolicyResult | undefined {
  return readResult(result.result) ?? readResult(result.status);
}

/**
 * The severity of a result, on the sdk's one scale. For `fail`, `warn` and `error`: its own
 * `severity` (the policy's declared severity), else `properties.severity` (where the Falco and
 * other adapters put it), else `severityByResult` when configured, else the scale's rating of a
 * check that declares none: a scored failure is high (a kube-bench FAIL is high here as in the
 * configmap source), an unscored one and an error medium, a warning low. `pass` and `skip` are
 * `info` (or `severityByResult`): a passing check of a high-severity policy is no finding.
 *
 * @example
 * ```ts
 * resultSeverity({ severity: 'high' }, undefined, 'fail', config); // 'high'
 * resultSeverity({ severity: 'high' }, undefined, 'pass', config); // 'info'
 * resultSeverity({ scored: true }, undefined, 'fail', config);     // 'high'
 * resultSeverity({}, undefined, 'warn', config);                   // 'low'
 * ```
 */
export function resultSeverity(
  result: Record<string, unknown>,
  properties: Record<string, unknown> | undefined,
  value: PolicyResult,
  config: Pick<KyvernoConfig, 'severityByResult'>,
): Severity {
  const configured = config.severityByResult[value];
  if (value === 'pass' || value === 'skip') return configured ?? severityOfCheck(value);
  return severityOfWord(result.severity) ?? severityOfWord(properties?.severity) ?? configured ?? severityOfCheck(value, result.scored === true);
}

function containsAny(text: string | undefined, needles: readonly string[]): boolean {
  if (!text) return false;
  const lower = text.toLowerCase();
  return needles.some((n) => lower.includes(n.toLowerCase()));
}

/**
 * The Observation category of a result: security when the policy category or the source says
 * so (see `securityCategories`, `securitySources`), compliance otherwise — a policy report is,
 * first of all, a statement about compliance with a policy.
 *
 * @example
 * ```ts
 * resultCategory('Pod Security Standards (Baseline)', 'kyverno', config); // 'security'
 * resultCategory('Best Practices', 'kyverno', config);                    // 'compliance'
 * ```
 */
export function resultCategory(
  policyCategory: string | undefined,
  source: string | undefined,
  config: Pick<KyvernoConfig, 'securityCategories' | 'securitySources'>,
): Category {
  return containsAny(policyCategory, config.securityCategories) || containsAny(source, config.securitySources) ? 'security' : 'compliance';
}

/**
 * The eventType of a result value (`fail` → `policy_violation`).
 *
 * @example
 * ```ts
 * resultEventType('warn'); // 'policy_warning'
 * ```
 */
export function resultEventType(value: PolicyResult): string {
  return EVENT_TYPE[value];
}

/**
 * The result value as a verb for titles (`fail` → `failed`).
 *
 * @example
 * ```ts
 * resultVerb('error'); // 'errored'
 * ```
 */
export function resultVerb(value: PolicyResult): string {
  return PAST_TENSE[value];
}
