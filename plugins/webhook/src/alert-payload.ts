import { CATEGORIES, type Category, type ResourceRef, type Severity, type SourceEvent } from '@zen-watcher/sdk';
import { clipPayload, compact, normalizeTime, payloadLine } from '@zen-watcher/sdk/helpers';
import { boundedCopy, DETAILS_LIMITS, stableHash } from './canonical-json.js';
import { isIgnored, toEventType, type MapContext } from './map-item.js';

/**
 * The two alert notification formats recognised with no config: Prometheus Alertmanager's
 * webhook (version "4", and the older "3") and Grafana unified alerting's webhook contact point,
 * which sends the same shape plus `orgId`, `values` (from Grafana 10), `valueString`, `silenceURL`, `dashboardURL`,
 * `panelURL`.
 */
export type AlertFormat = 'alertmanager' | 'grafana';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Which alert format a top-level body is, or undefined: an object with an `alerts` list of
 * objects that carry `labels`, and the notification's own fields (`receiver`, `groupKey` or
 * `version`).
 *
 * @example
 * ```ts
 * alertFormatOf({ receiver: 'r', status: 'firing', alerts: [{ labels: { alertname: 'A' } }] }); // 'alertmanager'
 * ```
 */
export function alertFormatOf(root: unknown): AlertFormat | undefined {
  if (!isObject(root) || !Array.isArray(root.alerts)) return undefined;
  if (typeof root.receiver !== 'string' && !('groupKey' in root) && typeof root.version !== 'string') return undefined;
  if (!root.alerts.every((a) => isObject(a) && isObject(a.labels))) return undefined;
  return 'orgId' in root ? 'grafana' : 'alertmanager';
}

/** Labels that name where an alert fires, most specific first: the title's "on ...". */
const TARGET_LABELS = ['pod', 'instance', 'node', 'service', 'job'];
/** Labels that name a workload, with its kind and apiVersion. */
const WORKLOADS: readonly [string, string, string][] = [
  ['pod', 'Pod', 'v1'],
  ['deployment', 'Deployment', 'apps/v1'],
  ['statefulset', 'StatefulSet', 'apps/v1'],
  ['daemonset', 'DaemonSet', 'apps/v1'],
  ['job_name', 'Job', 'batch/v1'],
];
const SEVERITY_LABELS = ['severity', 'level', 'priority'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

function label(labels: Record<string, unknown>, key: string): string | undefined {
  const v = labels[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function resourceOf(labels: Record<string, unknown>): ResourceRef | undefined {
  const namespace = label(labels, 'namespace');
  const ns = namespace && DNS_LABEL.test(namespace) ? namespace : undefined;
  for (const [key, kind, apiVersion] of WORKLOADS) {
    const name = label(labels, key);
    if (name && name.length <= 253) return ns ? { apiVersion, kind, name, namespace: ns } : { apiVersion, kind, name };
  }
  const node = label(labels, 'node');
  return node && node.length <= 253 ? { apiVersion: 'v1', kind: 'Node', name: node } : undefined;
}

/** What became of one alert of a recognised payload. */
export type AlertOutcome = { event: SourceEvent; unmappedSeverity: boolean } | { drop: 'resolved' | 'ignored' };

/**
 * Maps one alert of an Alertmanager or Grafana notification: one finding per alert.
 *
 * - `ignoreWhen` applies as to any item.
 * - A `resolved` alert is no new finding: it is dropped and counted (`resolved`). The firing one
 *   stays as it was recorded; its `status.lastSeenAt` is the last time it was notified firing.
 * - Identity: the alert's label set (Alertmanager's own identity; both senders' `fingerprint` is
 *   a hash of it), else its `fingerprint`. Every notification of a firing alert (Alertmanager
 *   repeats them every `repeat_interval`) counts on the same Observation.
 * - Severity: `labels.severity`, else `level`, else `priority`, read with `severityMap` over the
 *   sdk's scale (critical/warning/info, major/minor, page, P1...), else `defaultSeverity`.
 * - Time: `startsAt`. Title: the alert name and, when a label says, where it fires
 *   (`KubePodCrashLooping on web-0`), with no dangling "on" when none does.
 *
 * @example
 * ```ts
 * const outcome = mapAlert(alert, body, 'alertmanager', mc);
 * ```
 */
export function mapAlert(alert: Record<string, unknown>, root: Record<string, unknown>, format: AlertFormat, mc: MapContext): AlertOutcome {
  const status = typeof alert.status === 'string' ? alert.status : typeof root.status === 'string' ? root.status : 'firing';
  if (status.toLowerCase() === 'resolved') return { drop: 'resolved' };
  if (isIgnored(alert, root, mc.cc)) return { drop: 'ignored' };
  const labels = alert.labels as Record<string, unknown>;
  const annotations = isObject(alert.annotations) ? alert.annotations : {};
  const alertname = label(labels, 'alertname');
  const target = TARGET_LABELS.map((k) => label(labels, k)).find((v) => v !== undefined);
  const summary = typeof annotations.summary === 'string' ? annotations.summary.trim() : '';
  const description = typeof annotations.description === 'string' ? annotations.description.trim() : typeof annotations.message === 'string' ? annotations.message.trim() : '';

  let severity: Severity = mc.config.defaultSeverity;
  const word = SEVERITY_LABELS.map((k) => label(labels, k)).find((v) => v !== undefined);
  const mapped = word === undefined ? undefined : mc.cc.severityMap.get(word.toLowerCase());
  if (mapped) severity = mapped;

  const category = label(labels, 'category')?.toLowerCase();
  const identity = Object.keys(labels).length > 0 ? `labels:${stableHash(labels)}` : `fingerprint:${String(alert.fingerprint ?? stableHash(alert))}`;
  const fields: Record<string, unknown> = {
    format,
    status,
    labels,
    annotations,
    startsAt: alert.startsAt,
    generatorURL: alert.generatorURL,
    fingerprint: alert.fingerprint,
    silenceURL: alert.silenceURL || undefined,
    dashboardURL: alert.dashboardURL || undefined,
    panelURL: alert.panelURL || undefined,
    values: alert.values,
    // Grafana's rendering of the query values; Grafana 9 sent only this, not `values`.
    valueString: alert.valueString || undefined,
    receiver: root.receiver,
    externalURL: root.externalURL,
    groupKey: root.groupKey,
  };
  const details = boundedCopy(compact(fields), DETAILS_LIMITS) as Record<string, unknown>;
  const message = summary && description && description !== summary ? `${summary}${/[.!?:]$/.test(summary) ? '' : '.'} ${description}` : summary || description;
  const event: SourceEvent = {
    severity,
    category: (category && CATEGORY_SET.has(category) ? category : mc.config.defaultCategory) as Category,
    eventType: (alertname && toEventType(alertname)) || 'alert',
    title: payloadLine(alertname ? `${alertname}${target ? ` on ${target}` : ''}` : summary || 'Alert', 160) || 'Alert',
    detectedAt: normalizeTime(alert.startsAt) ?? normalizeTime(mc.receivedAt) ?? new Date().toISOString(),
    details,
    dedupKey: `webhook|${mc.instance}|alert|${identity}`,
  };
  if (message) event.message = clipPayload(message, 4096);
  const resource = resourceOf(labels);
  if (resource) event.resource = resource;
  return { event, unmappedSeverity: word !== undefined && !mapped };
}
