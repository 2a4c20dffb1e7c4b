/**
 * @zen-watcher/plugin-kyverno — policy reports (Kyverno's PolicyReport/ClusterPolicyReport and
 * OpenReports' Report/ClusterReport) as Observations.
 *
 * @example
 * ```ts
 * import kyverno from '@zen-watcher/plugin-kyverno';
 * kyverno.name; // 'kyverno'
 * ```
 * @packageDocumentation
 */
import { definePlugin } from '@zen-watcher/sdk';
import { reportFindings } from '@zen-watcher/sdk/helpers';
import { KyvernoConfig, watchedReports } from './config.js';
import { mapReport } from './map-report.js';

export { KyvernoConfig, REPORT_APIS, watchedReports, type ReportApi } from './config.js';
export { mapReport, resultKey } from './map-report.js';
export { RESULTS, resultValueOf, type PolicyResult } from './result-mapping.js';
export { checkIdOf, identityOf, isIdentifying } from './result-identity.js';
export { resultSubjects, selectorText, type ResultSubject } from './result-subject.js';
export { protoTime } from './event-time.js';

/**
 * The kyverno source: an informer on the policy report resources of the APIs in
 * `config.apis`. Reports are state: `add` and `sync` return every selected result, `update`
 * only results the previous version of the report did not have, `delete` nothing.
 *
 * @example
 * ```yaml
 * apiVersion: zen.kube-zen.io/v1alpha1
 * kind: Ingester
 * metadata: { name: kyverno, namespace: zen-system }
 * spec: { source: kyverno, config: { results: [fail, error] } }
 * ```
 */
const kyverno = definePlugin({
  name: 'kyverno',
  kind: 'informer',
  description: 'Policy reports (wgpolicyk8s.io and reports.x-k8s.io PolicyReport/ClusterPolicyReport, openreports.io Report/ClusterReport)',
  semantics: 'state',
  config: KyvernoConfig,
  resources: (config) => watchedReports(config),
  onEvent(type, obj, ctx) {
    // A scan rewrites the whole object: on update only what it did not list before is new.
    return reportFindings(type, obj, ctx, { map: (o, tally) => mapReport(o, ctx.config, tally), max: ctx.config.maxFindingsPerReport, limitKey: 'maxFindingsPerReport', what: 'report' });
  },
});

export default kyverno;
