import { createHash } from 'node:crypto';
import { LIMITS, type ResourceRef } from '@zen-watcher/sdk';
import { fieldKeyText, type OutputFields } from './alert-fields.js';
import { resourceKey } from './resource.js';

// `10.0.0.5:39526->10.96.0.1:443`: the client's port changes with every connection, so two
// connections from one pod to the API server would otherwise be two findings.
const CONNECTION = /^(.*):\d+->(.+)$/;

/**
 * Normalises a field value for the dedup key (the client port of a connection tuple is dropped).
 *
 * @example
 * ```ts
 * normalizeForKey('fd.name', '172.17.0.9:43812->10.96.0.1:443'); // '172.17.0.9->10.96.0.1:443'
 * ```
 */
export function normalizeForKey(field: string, value: string): string {
  if (field === 'fd.name') {
    const m = CONNECTION.exec(value);
    if (m) return `${m[1]}->${m[2]}`;
  }
  return value;
}

/**
 * The dedup key of a Falco alert: the rule, the affected resource (or, when there is none, the
 * host), and the configured salient `output_fields` that are present. Two alerts with the same
 * key are one finding; the Observation's count says how often it fired. Keys longer than the
 * host accepts are replaced by their SHA-256.
 *
 * @example
 * ```ts
 * falcoDedupKey('Terminal shell in container', pod, undefined, fields, ['proc.cmdline']);
 * // '["falco","Terminal shell in container","Pod/shop/web-0","",[["proc.cmdline","sh"]]]'
 * ```
 */
export function falcoDedupKey(
  rule: string,
  resource: ResourceRef | undefined,
  hostname: string | undefined,
  fields: OutputFields,
  dedupFields: readonly string[],
): string {
  const salient: [string, string][] = [];
  for (const field of dedupFields) {
    const value = fieldKeyText(fields, field);
    if (value !== undefined) salient.push([field, normalizeForKey(field, value)]);
  }
  // A node-level alert (no pod, no container) is per host.
  const where = resource ? resourceKey(resource) : '';
  const host = resource ? '' : (hostname ?? '');
  const key = JSON.stringify(['falco', rule, where, host, salient]);
  return key.length <= LIMITS.dedupKeyLength ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
