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
import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { asRecord, asText, keepMostSevere, SILENT, tallyFor } from '@zen-watcher/sdk/helpers';
import { KyvernoConfig, watchedReports } from './config.js';
import { mapReport } from './map-report.js';

export { KyvernoConfig, watchedReports } from './config.js';
export { mapReport, resultKey } from './map-report.js';
export { RESULTS, type PolicyResult } from './result-mapping.js';

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
  description: 'Policy reports (wgpolicyk8s.io PolicyReport/ClusterPolicyReport, openreports.io Report/ClusterReport)',
  semantics: 'state',
  config: KyvernoConfig,
  resources: (config) => watchedReports(config),
  onEvent(type, obj, ctx, old) {
    if (type === 'delete') return [];
    const tally = tallyFor(ctx);
    let events: SourceEvent[] = mapReport(obj, ctx.config, tally);
    if (type === 'update' && old) {
      // Kyverno rewrites a report on every scan; only results it did not list before are new.
      const before = new Set(mapReport(old, ctx.config, SILENT).map((e) => e.dedupKey));
      events = events.filter((e) => !before.has(e.dedupKey));
    }
    const { kept, dropped } = keepMostSevere(events, ctx.config.maxFindingsPerReport);
    if (dropped > 0) {
      const meta = asRecord(obj.metadata);
      tally.skip('too_many_findings', undefined, dropped);
      ctx.log.warn(
        { report: `${asText(meta?.namespace) ?? ''}/${asText(meta?.name) ?? ''}`, kept: kept.length, dropped },
        'report has more results than maxFindingsPerReport; the least severe were left out',
      );
    }
    return kept;
  },
});

export default kyverno;
