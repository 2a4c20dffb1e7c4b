import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';

const Severity = () => Type.Optional(Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')]));

/**
 * The report APIs this plugin reads, each with its served versions (the first is the default)
 * and its two kinds. wgpolicyk8s.io is what Kyverno and the wg-policy adapters write;
 * reports.x-k8s.io is the Policy WG's successor group; openreports.io is OpenReports.
 *
 * @example
 * ```ts
 * REPORT_APIS['reports.x-k8s.io'].versions; // ['v1beta1', 'v1beta2']
 * ```
 */
export const REPORT_APIS = {
  'wgpolicyk8s.io': { versions: ['v1alpha2', 'v1alpha1', 'v1beta1'], kinds: ['PolicyReport', 'ClusterPolicyReport'], plurals: ['policyreports', 'clusterpolicyreports'] },
  'reports.x-k8s.io': { versions: ['v1beta1', 'v1beta2'], kinds: ['PolicyReport', 'ClusterPolicyReport'], plurals: ['policyreports', 'clusterpolicyreports'] },
  'openreports.io': { versions: ['v1alpha1'], kinds: ['Report', 'ClusterReport'], plurals: ['reports', 'clusterreports'] },
} as const;

/**
 * One report API group of {@link REPORT_APIS}.
 *
 * @example
 * ```ts
 * const api: ReportApi = 'openreports.io';
 * ```
 */
export type ReportApi = keyof typeof REPORT_APIS;

const ResultValue = Type.Union([Type.Literal('fail'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('pass'), Type.Literal('skip')]);

/**
 * `spec.config` of a kyverno Ingester.
 *
 * @example
 * ```ts
 * { results: ['fail', 'warn'], apis: ['wgpolicyk8s.io', 'openreports.io'], wgpolicyVersion: 'v1alpha1' }
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
    apis: Type.Array(Type.Union([Type.Literal('wgpolicyk8s.io'), Type.Literal('reports.x-k8s.io'), Type.Literal('openreports.io')]), {
      default: ['wgpolicyk8s.io'],
      minItems: 1,
      uniqueItems: true,
      description:
        'Report APIs to watch: wgpolicyk8s.io (PolicyReport, ClusterPolicyReport; what Kyverno writes by default), reports.x-k8s.io (the same kinds in the Policy WG\'s newer group) and/or openreports.io (Report, ClusterReport).',
    }),
    wgpolicyVersion: Type.Union([Type.Literal('v1alpha2'), Type.Literal('v1alpha1'), Type.Literal('v1beta1')], {
      default: 'v1alpha2',
      description: 'Served version of wgpolicyk8s.io to watch: v1alpha2 (what Kyverno installs), v1alpha1 (Kyverno before 1.5, the kube-bench adapter), v1beta1.',
    }),
    reportsVersion: Type.Union([Type.Literal('v1beta1'), Type.Literal('v1beta2')], {
      default: 'v1beta1',
      description: 'Served version of reports.x-k8s.io to watch (with apis: [reports.x-k8s.io]).',
    }),
    severityByResult: Type.Object(
      { fail: Severity(), error: Severity(), warn: Severity(), pass: Severity(), skip: Severity() },
      {
        default: {},
        additionalProperties: false,
        description:
          'Severity of a result that carries none (neither `severity` nor `properties.severity`), overriding the shared scale (fail: high when scored, else medium; error: medium; warn: low; pass, skip: info).',
      },
    ),
    securityCategories: Type.Array(Type.String({ minLength: 1 }), {
      default: ['security', 'vulnerab', 'cve', 'rbac', 'secret'],
      description:
        'A result whose category contains one of these (case-insensitive) is category security, e.g. "Pod Security Standards (Baseline)"; others are compliance.',
    }),
    securitySources: Type.Array(Type.String({ minLength: 1 }), {
      default: ['falco', 'trivy', 'kubearmor'],
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

function versionOf(api: ReportApi, config: Partial<Pick<KyvernoConfig, 'wgpolicyVersion' | 'reportsVersion'>>): string {
  if (api === 'wgpolicyk8s.io') return config.wgpolicyVersion ?? REPORT_APIS[api].versions[0];
  if (api === 'reports.x-k8s.io') return config.reportsVersion ?? REPORT_APIS[api].versions[0];
  return REPORT_APIS[api].versions[0];
}

/**
 * The report resources watched for a configuration: for each selected API, at its configured
 * version, its namespaced and its cluster-scoped report.
 *
 * @example
 * ```ts
 * watchedReports({ apis: ['openreports.io'], wgpolicyVersion: 'v1alpha2' });
 * // [{ plural: 'reports', ... }, { plural: 'clusterreports', namespaced: false, ... }]
 * ```
 */
export function watchedReports(config: Pick<KyvernoConfig, 'apis'> & Partial<Pick<KyvernoConfig, 'wgpolicyVersion' | 'reportsVersion'>>): WatchedResource[] {
  return config.apis.flatMap((api): WatchedResource[] => {
    const { kinds, plurals } = REPORT_APIS[api];
    const version = versionOf(api, config);
    return [
      { group: api, version, plural: plurals[0], kind: kinds[0] },
      { group: api, version, plural: plurals[1], kind: kinds[1], namespaced: false },
    ];
  });
}
