import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';

const GROUP = 'aquasecurity.github.io';
const VERSION = 'v1alpha1';

/**
 * The Trivy Operator report kinds this plugin reads, by the name used in `config.reports`:
 * every kind that carries findings. (SbomReport and ClusterSbomReport list components, not
 * findings; their vulnerabilities arrive as (Cluster)VulnerabilityReports.)
 *
 * @example
 * ```ts
 * REPORT_RESOURCES.vulnerability.plural; // 'vulnerabilityreports'
 * ```
 */
export const REPORT_RESOURCES = {
  vulnerability: { group: GROUP, version: VERSION, plural: 'vulnerabilityreports', kind: 'VulnerabilityReport' },
  clustervulnerability: { group: GROUP, version: VERSION, plural: 'clustervulnerabilityreports', kind: 'ClusterVulnerabilityReport', namespaced: false },
  configaudit: { group: GROUP, version: VERSION, plural: 'configauditreports', kind: 'ConfigAuditReport' },
  clusterconfigaudit: { group: GROUP, version: VERSION, plural: 'clusterconfigauditreports', kind: 'ClusterConfigAuditReport', namespaced: false },
  exposedsecret: { group: GROUP, version: VERSION, plural: 'exposedsecretreports', kind: 'ExposedSecretReport' },
  rbacassessment: { group: GROUP, version: VERSION, plural: 'rbacassessmentreports', kind: 'RbacAssessmentReport' },
  clusterrbacassessment: { group: GROUP, version: VERSION, plural: 'clusterrbacassessmentreports', kind: 'ClusterRbacAssessmentReport', namespaced: false },
  infraassessment: { group: GROUP, version: VERSION, plural: 'infraassessmentreports', kind: 'InfraAssessmentReport' },
  clusterinfraassessment: { group: GROUP, version: VERSION, plural: 'clusterinfraassessmentreports', kind: 'ClusterInfraAssessmentReport', namespaced: false },
  clustercompliance: { group: GROUP, version: VERSION, plural: 'clustercompliancereports', kind: 'ClusterComplianceReport', namespaced: false },
} as const satisfies Record<string, WatchedResource>;


/**
 * A name of {@link REPORT_RESOURCES}.
 *
 * @example
 * ```ts
 * const r: ReportName = 'exposedsecret';
 * ```
 */
export type ReportName = keyof typeof REPORT_RESOURCES;

const Severity = (fallback: string, description: string) =>
  Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], {
    default: fallback,
    description,
  });

/**
 * `spec.config` of a trivy Ingester.
 *
 * @example
 * ```ts
 * { reports: ['vulnerability'], minSeverity: 'high', ignoreUnfixed: true }
 * ```
 */
export const TrivyConfig = Type.Object(
  {
    // Spelled out (not mapped from REPORT_RESOURCES) so typebox infers the union of names.
    reports: Type.Array(
      Type.Union([
        Type.Literal('vulnerability'),
        Type.Literal('clustervulnerability'),
        Type.Literal('configaudit'),
        Type.Literal('clusterconfigaudit'),
        Type.Literal('exposedsecret'),
        Type.Literal('rbacassessment'),
        Type.Literal('clusterrbacassessment'),
        Type.Literal('infraassessment'),
        Type.Literal('clusterinfraassessment'),
        Type.Literal('clustercompliance'),
      ]),
      {
      default: ['vulnerability', 'configaudit', 'exposedsecret'],
      minItems: 1,
      uniqueItems: true,
      description:
        'Which Trivy Operator reports to watch: vulnerability, clustervulnerability, configaudit, clusterconfigaudit, exposedsecret, rbacassessment, clusterrbacassessment, infraassessment, clusterinfraassessment, clustercompliance. Each needs list/watch on its resource (and its CRD installed).',
      },
    ),
    minSeverity: Severity(
      'medium',
      'Least severe finding reported (Trivy UNKNOWN counts as info). Applies to vulnerabilities, failed checks, secrets and failed compliance controls.',
    ),
    ignoreUnfixed: Type.Boolean({
      default: false,
      description: 'Leave out vulnerabilities that have no fixed version yet.',
    }),
    maxFindingsPerReport: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 10000,
      description: 'Most findings taken from one report; beyond it the least severe are dropped (counted as skipped, reason too_many_findings).',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved configuration (defaults applied).
 *
 * @example
 * ```ts
 * function f(config: TrivyConfig) { return config.minSeverity; }
 * ```
 */
export type TrivyConfig = Static<typeof TrivyConfig>;

/**
 * The resources watched for a configuration: one per selected report kind.
 *
 * @example
 * ```ts
 * watchedReports({ reports: ['vulnerability'] }); // [{ plural: 'vulnerabilityreports', ... }]
 * ```
 */
export function watchedReports(config: Pick<TrivyConfig, 'reports'>): WatchedResource[] {
  return config.reports.map((name) => ({ ...REPORT_RESOURCES[name] }));
}
