import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';
import { CHECK_SEVERITY } from '@zen-watcher/sdk/helpers';

// Built fresh at each use: typebox needs a mutable tuple to infer the union's static type.
const severityType = (options: { default?: string; description?: string } = {}) =>
  Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], options);
const Severity = (fallback: string, description?: string) => severityType({ default: fallback, description });

/** The label a ConfigMap carries to be read by this plugin, unless the Ingester says otherwise. */
export const DEFAULT_LABEL = 'zen.kube-zen.io/scan-results';

/**
 * `spec.config` of a configmap Ingester.
 *
 * @example
 * ```ts
 * { labelSelector: 'app=kube-bench', format: 'kube-bench', includeWarn: true }
 * ```
 */
export const ConfigMapConfig = Type.Object(
  {
    labelSelector: Type.String({
      default: DEFAULT_LABEL,
      minLength: 1,
      description: `Label selector of the ConfigMaps to read (the watch's labelSelector); by default every ConfigMap with the label ${DEFAULT_LABEL}, whatever its value.`,
    }),
    key: Type.String({
      default: 'results.json',
      minLength: 1,
      maxLength: 253,
      description: 'The data (or binaryData) key holding the scan results.',
    }),
    format: Type.Union([Type.Literal('auto'), Type.Literal('kube-bench'), Type.Literal('checkov')], {
      default: 'auto',
      description: 'Format of the results; auto tells kube-bench and Checkov JSON apart by their shape.',
    }),
    includeWarn: Type.Boolean({
      default: false,
      description: 'Also report kube-bench WARN results (mostly manual checks); FAIL results are always reported.',
    }),
    nodeNameKeys: Type.Array(Type.String({ minLength: 1 }), {
      default: ['zen.kube-zen.io/node-name'],
      description: 'Labels, then annotations, of the ConfigMap that name the node kube-bench ran on; without one the ConfigMap itself is the affected resource.',
    }),
    kubeBenchSeverity: Type.Object(
      {
        // The defaults are the sdk's one scale, so kyverno rates a kube-bench FAIL the same.
        scored: Severity(CHECK_SEVERITY.failScored, 'A failed scored (automated) check.'),
        notScored: Severity(CHECK_SEVERITY.fail, 'A failed check that is not scored (manual).'),
        warn: Severity(CHECK_SEVERITY.warn, 'A WARN result (with includeWarn).'),
      },
      { default: {}, additionalProperties: false, description: "Severity of kube-bench results, which carry none; the defaults are the shared scale's (@zen-watcher/sdk/helpers)." },
    ),
    checkovSeverity: Severity(CHECK_SEVERITY.fail, 'Severity of a failed Checkov check that carries none (open-source Checkov leaves it null).'),
    severityOverrides: Type.Record(Type.String(), severityType(), {
      default: {},
      description: 'Severity by check: kube-bench test number ("1.2.1") or Checkov check id ("CKV_K8S_20").',
    }),
    maxFindingsPerConfigMap: Type.Integer({
      default: 1000,
      minimum: 1,
      maximum: 10000,
      description: 'Most events taken from one ConfigMap; beyond it the least severe are dropped (skipped_total{reason="too_many_findings"}).',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved configuration (defaults applied).
 *
 * @example
 * ```ts
 * function f(config: ConfigMapConfig) { return config.key; }
 * ```
 */
export type ConfigMapConfig = Static<typeof ConfigMapConfig>;

/**
 * The one resource watched: core ConfigMaps with the configured label selector.
 *
 * @example
 * ```ts
 * watchedConfigMaps({ labelSelector: 'app=kube-bench' });
 * ```
 */
export function watchedConfigMaps(config: Pick<ConfigMapConfig, 'labelSelector'>): WatchedResource[] {
  return [{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', labelSelector: config.labelSelector }];
}
