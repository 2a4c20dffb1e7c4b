/**
 * @zen-watcher/plugin-trivy — Trivy Operator reports (vulnerabilities, failed configuration
 * checks, exposed secrets) as Observations.
 *
 * @example
 * ```ts
 * import trivy from '@zen-watcher/plugin-trivy';
 * trivy.name; // 'trivy'
 * ```
 * @packageDocumentation
 */
import { definePlugin } from '@zen-watcher/sdk';
import { reportFindings } from '@zen-watcher/sdk/helpers';
import { TrivyConfig, watchedReports } from './config.js';
import { mapReport } from './map-report.js';

export { TrivyConfig, REPORT_RESOURCES, watchedReports, type ReportName } from './config.js';
export { mapReport } from './map-report.js';
export { vulnerabilityKey } from './map-vulnerabilities.js';
export { configAuditKey } from './map-config-audit.js';
export { exposedSecretKey } from './map-exposed-secrets.js';

/**
 * The trivy source: an informer on the Trivy Operator's report resources selected by
 * `config.reports`. Reports are state: `add` and `sync` return every finding (the host's
 * exact dedup makes repeats harmless), `update` returns only findings the previous version of
 * the report did not have, `delete` returns nothing (a deleted report is not a new finding).
 *
 * @example
 * ```yaml
 * apiVersion: zen.kube-zen.io/v1alpha1
 * kind: Ingester
 * metadata: { name: trivy, namespace: zen-system }
 * spec: { source: trivy, config: { minSeverity: high } }
 * ```
 */
const trivy = definePlugin({
  name: 'trivy',
  kind: 'informer',
  description: 'Trivy Operator VulnerabilityReports, ConfigAuditReports and ExposedSecretReports',
  semantics: 'state',
  config: TrivyConfig,
  resources: (config) => watchedReports(config),
  onEvent(type, obj, ctx) {
    // A scan rewrites the whole object: on update only what it did not list before is new.
    return reportFindings(type, obj, ctx, { map: (o, tally) => mapReport(o, ctx.config, tally), max: ctx.config.maxFindingsPerReport, limitKey: 'maxFindingsPerReport', what: 'report' });
  },
});

export default trivy;
