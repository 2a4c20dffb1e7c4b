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
import { definePlugin } from '@zen-watcher/sdk';
import { reportFindings } from '@zen-watcher/sdk/helpers';
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
  onEvent(type, obj, ctx) {
    // A scan rewrites the whole object: on update only what it did not list before is new.
    return reportFindings(type, obj, ctx, { map: (o, tally) => mapConfigMap(o, ctx.config, tally), max: ctx.config.maxFindingsPerConfigMap, limitKey: 'maxFindingsPerConfigMap', what: 'ConfigMap' });
  },
});

export default configmap;
