import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';

const Severity = (fallback: string) =>
  Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], {
    default: fallback,
  });

const ResultValue = Type.Union([Type.Literal('fail'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('pass'), Type.Literal('skip')]);

/**
 * `spec.config` of a kyverno Ingester.
 *
 * @example
 * ```ts
 * { results: ['fail', 'warn'], apis: ['wgpolicyk8s.io', 'openreports.io'] }
 * ```
 */
export const KyvernoConfig = Type.Object(
  {
    results: Type.Array(ResultValue, {
      default: ['fail'],
      minItems: 1,
      uniqueItems: true,
      description: 'Which policy results become Observations: fail, warn, error, pass, skip.',
    }),
    apis: Type.Array(Type.Union([Type.Literal('wgpolicyk8s.io'), Type.Literal('openreports.io')]), {
      default: ['wgpolicyk8s.io'],
      minItems: 1,
      uniqueItems: true,
      description:
        'Report APIs to watch: wgpolicyk8s.io (PolicyReport, ClusterPolicyReport; what Kyverno writes by default) and/or openreports.io (Report, ClusterReport).',
    }),
    wgpolicyVersion: Type.Union([Type.Literal('v1alpha2'), Type.Literal('v1beta1')], {
      default: 'v1alpha2',
      description: 'Served version of wgpolicyk8s.io to watch; Kyverno installs v1alpha2.',
    }),
    severityByResult: Type.Object(
      {
        fail: Severity('medium'),
        error: Severity('medium'),
        warn: Severity('low'),
        pass: Severity('info'),
        skip: Severity('info'),
      },
      {
        default: {},
        additionalProperties: false,
        description: "Severity of a result that carries none (neither `severity` nor `properties.severity`).",
      },
    ),
    securityCategories: Type.Array(Type.String({ minLength: 1 }), {
      default: ['security', 'vulnerab', 'cve', 'rbac', 'secret'],
      description:
        'A result whose category contains one of these (case-insensitive) is category security, e.g. "Pod Security Standards (Baseline)"; others are compliance.',
    }),
    securitySources: Type.Array(Type.String({ minLength: 1 }), {
      default: ['falco', 'trivy'],
      description: 'A result from a source (result, report or engine label) containing one of these (case-insensitive) is category security.',
    }),
    maxFindingsPerReport: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 10000,
      description: 'Most events taken from one report; beyond it the least severe are dropped (skipped_total{reason="too_many_findings"}).',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved configuration (defaults applied).
 *
 * @example
 * ```ts
 * function f(config: KyvernoConfig) { return config.results; }
 * ```
 */
export type KyvernoConfig = Static<typeof KyvernoConfig>;

/**
 * The report resources watched for a configuration: for each selected API its namespaced and
 * its cluster-scoped report.
 *
 * @example
 * ```ts
 * watchedReports({ apis: ['openreports.io'], wgpolicyVersion: 'v1alpha2' });
 * // [{ plural: 'reports', ... }, { plural: 'clusterreports', namespaced: false, ... }]
 * ```
 */
export function watchedReports(config: Pick<KyvernoConfig, 'apis' | 'wgpolicyVersion'>): WatchedResource[] {
  return config.apis.flatMap((api): WatchedResource[] =>
    api === 'wgpolicyk8s.io'
      ? [
          { group: api, version: config.wgpolicyVersion, plural: 'policyreports', kind: 'PolicyReport' },
          { group: api, version: config.wgpolicyVersion, plural: 'clusterpolicyreports', kind: 'ClusterPolicyReport', namespaced: false },
        ]
      : [
          { group: api, version: 'v1alpha1', plural: 'reports', kind: 'Report' },
          { group: api, version: 'v1alpha1', plural: 'clusterreports', kind: 'ClusterReport', namespaced: false },
        ],
  );
}
