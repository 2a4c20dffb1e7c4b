import type { ResourceRef } from '@zen-watcher/sdk';
import { asList, asRecord, asText, compact, eventTime, firstEventTime, type Tally } from '@zen-watcher/sdk/helpers';
import type { ConfigMapConfig } from './config.js';

/** An annotation a scan job may set to say when it ran; preferred over every other time. */
export const SCANNED_AT_ANNOTATION = 'zen.kube-zen.io/scanned-at';

/**
 * A scan results format this plugin reads.
 */
export type ScanFormat = 'kube-bench' | 'checkov';

/**
 * Where a scan's results came from and what they are about.
 */
export interface ScanOrigin {
  configMap: { name: string; namespace?: string; key: string };
  /** The node kube-bench ran on (from the ConfigMap's labels or annotations), when named. */
  node?: string;
  /** The node when named, else the ConfigMap itself. */
  resource: ResourceRef;
  /** `namespace/Kind/name` of {@link ScanOrigin.resource}, for dedup keys. */
  resourceKey: string;
  /** When the results were written: see {@link scanTime}. */
  detectedAt?: string;
}

/**
 * When the results were written: the `zen.kube-zen.io/scanned-at` annotation, else the latest
 * `managedFields` time (every apply or update of the ConfigMap records one, so a job that
 * rewrites the same ConfigMap moves it), else the creation time.
 *
 * @example
 * ```ts
 * scanTime(configMap.metadata);
 * ```
 */
export function scanTime(meta: Record<string, unknown>): string | undefined {
  let latest: string | undefined;
  const fields = asList(meta.managedFields);
  for (const entry of fields === 'invalid' ? [] : fields) {
    const time = eventTime(asRecord(entry)?.time);
    if (time && (!latest || time > latest)) latest = time;
  }
  return firstEventTime(asRecord(meta.annotations)?.[SCANNED_AT_ANNOTATION], latest, meta.creationTimestamp);
}

function nodeName(meta: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const source of [asRecord(meta.labels), asRecord(meta.annotations)]) {
    for (const key of keys) {
      const value = asText(source?.[key]);
      if (value) return value.slice(0, 253);
    }
  }
  return undefined;
}

function rawText(root: Record<string, unknown>, key: string): string | undefined {
  const data = asRecord(root.data);
  if (typeof data?.[key] === 'string') return data[key] as string;
  // A job that stores its results with `kubectl create configmap --from-file` of a file that
  // is not UTF-8 (or compressed by hand) ends up in binaryData, base64.
  const binary = asRecord(root.binaryData);
  if (typeof binary?.[key] === 'string') return Buffer.from(binary[key] as string, 'base64').toString('utf8');
  return undefined;
}

/**
 * Reads the ConfigMap's origin and its parsed results. Returns undefined (after counting the
 * reason) when it has no name, no value under `key`, or a value that is not JSON.
 *
 * @example
 * ```ts
 * const payload = readPayload(obj, config, tally);
 * if (payload) detectFormat(payload.data);
 * ```
 */
export function readPayload(root: Record<string, unknown>, config: ConfigMapConfig, tally: Tally): { origin: ScanOrigin; data: unknown } | undefined {
  const meta = asRecord(root.metadata) ?? {};
  const name = asText(meta.name);
  const namespace = asText(meta.namespace);
  if (!name) {
    tally.skip('missing_name');
    return undefined;
  }
  const text = rawText(root, config.key);
  if (text === undefined) {
    tally.skip('missing_key', { configMap: `${namespace ?? ''}/${name}`, key: config.key });
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    tally.skip('invalid_json', { configMap: `${namespace ?? ''}/${name}`, key: config.key, error: (err as Error).message });
    return undefined;
  }
  const node = nodeName(meta, config.nodeNameKeys);
  const resource: ResourceRef = node ? { apiVersion: 'v1', kind: 'Node', name: node } : compact({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace });
  return {
    origin: compact({
      configMap: compact({ name, namespace, key: config.key }),
      node,
      resource,
      resourceKey: `${resource.namespace ?? ''}/${resource.kind}/${resource.name}`,
      detectedAt: scanTime(meta),
    }),
    data,
  };
}

/**
 * Tells the format of parsed results by their shape: kube-bench writes `{ Controls: [...] }`
 * (or a bare array of controls, each with `tests`); Checkov writes `{ results: {...} }` (or a
 * list of such reports, one per framework, each with `check_type`).
 *
 * @example
 * ```ts
 * detectFormat({ Controls: [] }); // 'kube-bench'
 * detectFormat([{ check_type: 'kubernetes', results: {} }]); // 'checkov'
 * ```
 */
export function detectFormat(data: unknown): ScanFormat | undefined {
  const first = Array.isArray(data) ? asRecord(data[0]) : asRecord(data);
  if (Array.isArray(data) && data.length === 0) return undefined;
  if (!first) return undefined;
  // Key presence, not type: `{ "Controls": null }` is kube-bench saying "nothing ran".
  if ('Controls' in first || Array.isArray(first.tests)) return 'kube-bench';
  if (asRecord(first.results) || typeof first.check_type === 'string') return 'checkov';
  return undefined;
}
