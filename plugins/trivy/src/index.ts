/**
 * @zen-watcher/plugin-trivy — Trivy Operator reports (vulnerabilities, failed configuration,
 * RBAC and infra checks, exposed secrets, failed compliance controls) as Observations.
 *
 * @example
 * ```ts
 * import trivy from '@zen-watcher/plugin-trivy';
 * trivy.name; // 'trivy'
 * ```
 * @packageDocumentation
 */
import { definePlugin, type PluginContext } from '@zen-watcher/sdk';
import { reportFindings } from '@zen-watcher/sdk/helpers';
import { TrivyConfig, watchedReports } from './config.js';
import { mapReport } from './map-report.js';

export { TrivyConfig, REPORT_RESOURCES, watchedReports, type ReportName } from './config.js';
export { mapReport, type MapOptions } from './map-report.js';
export { vulnerabilityKey } from './map-vulnerabilities.js';
export { CHECK_FLAVORS, configAuditKey, type CheckFlavor } from './map-config-audit.js';
export { exposedSecretKey } from './map-exposed-secrets.js';
export { complianceKey } from './map-compliance.js';
export { trivySeverity } from './severity.js';

// Kinds already warned about, per running instance: one warn line per kind, not per object.
const warned = new WeakMap<object, Set<string>>();

function warnOnce(ctx: PluginContext<unknown>, kind: string | undefined, name: string | undefined): void {
  let kinds = warned.get(ctx);
  if (!kinds) warned.set(ctx, (kinds = new Set()));
  const label = kind ?? '(no kind)';
  if (kinds.has(label)) return;
  kinds.add(label);
  ctx.log.warn({ kind: label, name }, `trivy source does not map ${label} reports; they are counted as skipped_total{reason="unsupported_kind"}`);
}

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
  description: 'Trivy Operator reports: vulnerabilities, config audits, exposed secrets, RBAC and infra assessments, compliance (and their Cluster kinds)',
  semantics: 'state',
  config: TrivyConfig,
  resources: (config) => watchedReports(config),
  onEvent(type, obj, ctx) {
    // A scan rewrites the whole object: on update only what it did not list before is new.
    const onUnsupportedKind = (kind: string | undefined, name: string | undefined) => warnOnce(ctx, kind, name);
    return reportFindings(type, obj, ctx, { map: (o, tally) => mapReport(o, ctx.config, tally, { onUnsupportedKind }), max: ctx.config.maxFindingsPerReport, limitKey: 'maxFindingsPerReport', what: 'report' });
  },
});

export default trivy;
