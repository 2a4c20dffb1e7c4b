/**
 * @zen-watcher/plugin-configmap — scan results that jobs leave in ConfigMaps (kube-bench CIS
 * benchmarks, Checkov static analysis) as Observations.
 *
 * @example
 * ```ts
 * import configmap from '@zen-watcher/plugin-configmap';
 * configmap.name; // 'configmap'
 * ```
 * @packageDocumentation
 */
import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { asRecord, asText, keepMostSevere, SILENT, tallyFor } from '@zen-watcher/sdk/helpers';
import { ConfigMapConfig, watchedConfigMaps } from './config.js';
import { mapConfigMap } from './map-configmap.js';

export { ConfigMapConfig, DEFAULT_LABEL, watchedConfigMaps } from './config.js';
export { mapConfigMap } from './map-configmap.js';
export { kubeBenchKey } from './map-kube-bench.js';
export { checkovKey, kubernetesResource } from './map-checkov.js';
export { SCANNED_AT_ANNOTATION, detectFormat, scanTime, type ScanFormat } from './scan-payload.js';

/**
 * The configmap source: an informer on ConfigMaps matching `config.labelSelector` in the
 * Ingester's namespaces. A ConfigMap of results is state: `add` and `sync` return every
 * finding, `update` (the job wrote a new run) only findings the previous data did not have,
 * `delete` nothing.
 *
 * @example
 * ```yaml
 * apiVersion: zen.kube-zen.io/v1alpha1
 * kind: Ingester
 * metadata: { name: kube-bench, namespace: kube-bench }
 * spec: { source: configmap, namespaces: [kube-bench], config: { includeWarn: false } }
 * ```
 */
const configmap = definePlugin({
  name: 'configmap',
  kind: 'informer',
  description: 'kube-bench and Checkov results stored in labelled ConfigMaps',
  semantics: 'state',
  config: ConfigMapConfig,
  resources: (config) => watchedConfigMaps(config),
  onEvent(type, obj, ctx, old) {
    if (type === 'delete') return [];
    const tally = tallyFor(ctx);
    let events: SourceEvent[] = mapConfigMap(obj, ctx.config, tally);
    if (type === 'update' && old) {
      // A new run rewrites the whole data key; only what the previous run did not report is new.
      const before = new Set(mapConfigMap(old, ctx.config, SILENT).map((e) => e.dedupKey));
      events = events.filter((e) => !before.has(e.dedupKey));
    }
    const { kept, dropped } = keepMostSevere(events, ctx.config.maxFindingsPerConfigMap);
    if (dropped > 0) {
      const meta = asRecord(obj.metadata);
      tally.skip('too_many_findings', undefined, dropped);
      ctx.log.warn(
        { configMap: `${asText(meta?.namespace) ?? ''}/${asText(meta?.name) ?? ''}`, kept: kept.length, dropped },
        'ConfigMap has more findings than maxFindingsPerConfigMap; the least severe were left out',
      );
    }
    return kept;
  },
});

export default configmap;
