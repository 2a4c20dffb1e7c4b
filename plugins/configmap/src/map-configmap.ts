import type { SourceEvent } from '@zen-watcher/sdk';
import { asRecord, type Tally } from '@zen-watcher/sdk/helpers';
import type { ConfigMapConfig } from './config.js';
import { mapCheckov } from './map-checkov.js';
import { mapKubeBench } from './map-kube-bench.js';
import { detectFormat, readPayload } from './scan-payload.js';

/**
 * Maps one ConfigMap carrying scan results (kube-bench or Checkov JSON under `config.key`) to
 * events. Malformed ConfigMaps and entries are skipped and counted; this never throws.
 * Repeats within one ConfigMap (same key) are returned once.
 *
 * @example
 * ```ts
 * const events = mapConfigMap(obj, ctx.config, tallyFor(ctx));
 * ```
 */
export function mapConfigMap(obj: unknown, config: ConfigMapConfig, tally: Tally): SourceEvent[] {
  const root = asRecord(obj);
  if (!root) {
    tally.skip('not_an_object');
    return [];
  }
  const payload = readPayload(root, config, tally);
  if (!payload) return [];
  const { origin, data } = payload;
  // An empty list is a scan with nothing to say, in either format.
  if (Array.isArray(data) && data.length === 0) return [];
  const format = config.format === 'auto' ? detectFormat(data) : config.format;
  if (!format) {
    tally.skip('unknown_format', { configMap: origin.configMap });
    return [];
  }
  const events = format === 'kube-bench' ? mapKubeBench(data, origin, config, tally) : mapCheckov(data, origin, config, tally);
  const unique = new Map<string, SourceEvent>();
  for (const event of events) if (!unique.has(event.dedupKey)) unique.set(event.dedupKey, event);
  return [...unique.values()];
}
