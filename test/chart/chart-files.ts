/**
 * Paths and readers for the Helm chart, its examples and the image files, shared by the
 * test/chart tests. What the chart renders comes from a real helm (helm-chart.ts), never from a
 * merge or a template evaluation of our own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CHART = join(REPO, 'charts/zen-watcher');
export const EXAMPLE_VALUES = join(REPO, 'examples/values');
export const EXAMPLE_INGESTERS = join(REPO, 'examples/ingesters');

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function readYaml<T = unknown>(path: string): T {
  return parse(readText(path)) as T;
}

/** Every document of a multi-document YAML file (empty documents left out). */
export function readYamlDocs<T = unknown>(path: string): T[] {
  return parseAllDocuments(readText(path))
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`${path}: ${d.errors.map(String).join('; ')}`);
      return d.toJS() as T;
    })
    .filter((d) => d != null);
}

/** File names in `dir` ending in one of `exts`, sorted. */
export function listFiles(dir: string, ...exts: string[]): string[] {
  return readdirSync(dir)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .sort();
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const chartValues = (): JsonObject => readYaml<JsonObject>(join(CHART, 'values.yaml'));
export const valuesSchema = (): JsonObject => JSON.parse(readText(join(CHART, 'values.schema.json'))) as JsonObject;

/**
 * Metric names the host registers (core/src/metrics/host-metrics.ts). Alerts and dashboards may
 * use only these (with _bucket/_sum/_count for histograms).
 */
export const KNOWN_METRICS = [
  'zenwatcher_leader_election_transitions_total',
  'zenwatcher_is_leader',
  'zenwatcher_failover_duration_seconds',
  'zenwatcher_source_watch_restarts_total',
  'zenwatcher_source_watch_last_event_timestamp_seconds',
  'zen_watcher_observations_created_total',
  'zen_watcher_observations_merged_total',
  'zen_watcher_observations_filtered_total',
  'zen_watcher_observations_deduped_total',
  'zen_watcher_events_dropped_total',
  'zen_watcher_webhook_requests_total',
  'zen_watcher_webhook_request_duration_seconds',
  'zen_watcher_webhook_auth_failures_total',
  'zen_watcher_write_queue_depth',
  'zen_watcher_write_queue_capacity',
  'zen_watcher_write_duration_seconds',
  'zen_watcher_write_errors_total',
  'zen_watcher_gc_deleted_total',
  'zen_watcher_ingesters',
  'zen_watcher_kube_api_reachable',
  'zen_watcher_kube_api_unreachable_total',
  'zenwatcher_partitions_owned',
  'zenwatcher_partitions_unowned',
  'zenwatcher_partition_handoffs_total',
  'zenwatcher_partition_handoff_duration_seconds',
] as const;

/** Metric names used in a text (PromQL, a dashboard), histogram suffixes stripped. */
export function metricNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(zen_?watcher_[a-z_]+)/g)) names.add(m[1].replace(/_(bucket|sum|count)$/, ''));
  return [...names].sort();
}

/** A JSON pointer (`/spec/items/0/name`) as the field path kubectl prints (`spec.items[0].name`). */
export function pointerToPath(pointer: string): string {
  const path = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((p, s) => (/^\d+$/.test(s) ? `${p}[${s}]` : p ? `${p}.${s}` : s), '');
  return path || '.';
}
