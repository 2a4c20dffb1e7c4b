import { createHash } from 'node:crypto';
import { LIMITS } from '@zen-watcher/sdk';
import { canonicalJson, stableHash } from './canonical-json.js';
import type { CompiledConfig } from './compiled-config.js';
import { getFirst } from './path.js';

/**
 * The dedup key of one item. With `dedupFields`, the canonical JSON of each field's value (an
 * object such as Alertmanager's `labels` counts as a whole, key order aside); when none of them
 * is present the item falls back to the whole-item hash, so unrelated items are never merged
 * under an all-empty key. Without `dedupFields`, the SHA-256 of the item's canonical JSON:
 * byte-identical or reordered re-sends are one finding, any changed value is another.
 *
 * The instance (`namespace/ingester`) is part of the key: two Ingesters of this generic source
 * receive unrelated payloads and must not merge each other's findings.
 *
 * May throw `TooDeepError` for an item nested more than 64 levels deep.
 *
 * @example
 * ```ts
 * dedupKeyOf({ labels: { alertname: 'A' } }, undefined, compiled, 'monitoring/alertmanager');
 * ```
 */
export function dedupKeyOf(item: unknown, root: unknown, cc: CompiledConfig, instance: string): string {
  if (cc.dedup.length > 0) {
    const values = cc.dedup.map((paths) => getFirst(item, paths, root));
    if (values.some((v) => v !== undefined)) {
      const key = `webhook|${instance}|${values.map((v) => (v === undefined ? '' : canonicalJson(v))).join('|')}`;
      return key.length <= LIMITS.dedupKeyLength ? key : `webhook|${instance}|sha256:${createHash('sha256').update(key).digest('hex')}`;
    }
  }
  return `webhook|${instance}|sha256:${stableHash(item)}`;
}
