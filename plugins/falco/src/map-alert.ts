import type { Category, SourceEvent } from '@zen-watcher/sdk';
import { clipPayload, isUnsafeKey, normalizeTime, payloadLine } from '@zen-watcher/sdk/helpers';
import { fieldText, type OutputFields } from './alert-fields.js';
import type { FalcoAlert } from './body.js';
import type { FalcoConfig } from './config.js';
import { falcoDedupKey } from './dedup-key.js';
import { PRIORITIES, severityOf, type Priority } from './priority.js';
import { resourceOf } from './resource.js';

const MAX_FIELDS = 64;
const MAX_FIELD_CHARS = 512;
// Falco prefixes `output` with the event time and priority ("13:44:05.478445995: Critical ...");
// both are Observation fields already, so the description starts with the sentence.
const OUTPUT_PREFIX = new RegExp(`^\\S+:\\s+(?:${PRIORITIES.join('|')}|emerg|crit|err|warn|info)\\s+`, 'i');

/**
 * Falco event sources that are about Kubernetes API activity (the k8saudit plugins, EKS/GKE/AKS
 * and OVH flavours included, all emit `k8s_audit`).
 */
function isK8sAudit(alert: FalcoAlert): boolean {
  const source = alert.source?.toLowerCase();
  if (source === 'k8s_audit' || source === 'k8saudit') return true;
  if (source) return false;
  return fieldText(alert.output_fields, 'ka.verb') !== undefined || fieldText(alert.output_fields, 'ka.target.resource') !== undefined;
}

function eventTypeOf(alert: FalcoAlert, k8sAudit: boolean): string {
  if (alert.rule.toLowerCase().startsWith('falco internal')) return 'falco_internal';
  if (k8sAudit) return 'k8s_audit';
  const source = (alert.source ?? '').toLowerCase();
  // falcosidekick's own test alert says "syscalls"; an absent source is an older Falco.
  if (source === '' || source === 'syscall' || source === 'syscalls') return 'runtime_threat';
  const suffix = source.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return suffix ? `falco_${suffix}` : 'runtime_threat';
}

/**
 * The event time: `time`, else `output_fields`' `evt.time.iso8601` or `evt.time` (integer
 * nanoseconds), else when the request was received. Falco's nanosecond RFC 3339 is normalised.
 *
 * @example
 * ```ts
 * detectedAtOf({ rule: 'r', priority: 'Notice', time: '2021-06-13T19:35:58.532086161Z' }, now);
 * // '2021-06-13T19:35:58.532Z'
 * ```
 */
export function detectedAtOf(alert: FalcoAlert, receivedAt: string): string {
  const fields = alert.output_fields;
  return (
    normalizeTime(alert.time) ??
    normalizeTime(fields?.['evt.time.iso8601']) ??
    normalizeTime(fields?.['evt.time']) ??
    normalizeTime(receivedAt) ??
    new Date().toISOString()
  );
}

function boundedFields(fields: OutputFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!fields) return out;
  let n = 0;
  for (const [key, value] of Object.entries(fields)) {
    if (n >= MAX_FIELDS) {
      out._truncated = true;
      break;
    }
    if (isUnsafeKey(key) || key.length > 128) continue;
    if (typeof value === 'string') out[key] = clipPayload(value, MAX_FIELD_CHARS);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
    else if (Array.isArray(value)) {
      out[key] = value.slice(0, 16).map((v) => (typeof v === 'string' ? clipPayload(v, MAX_FIELD_CHARS) : typeof v === 'number' ? v : null));
    } else continue;
    n++;
  }
  return out;
}

/**
 * Turns one Falco alert (already of a known priority) into a SourceEvent.
 *
 * @example
 * ```ts
 * const event = mapAlert(alert, 'critical', config, req.receivedAt);
 * event.eventType; // 'runtime_threat'
 * ```
 */
export function mapAlert(alert: FalcoAlert, priority: Priority, config: FalcoConfig, receivedAt: string): SourceEvent {
  const fields = alert.output_fields;
  const k8sAudit = isK8sAudit(alert);
  const resource = resourceOf(fields, k8sAudit);
  const hostname = alert.hostname ? clipPayload(alert.hostname, 253) : undefined;
  const eventType = eventTypeOf(alert, k8sAudit);
  const category: Category = eventType === 'falco_internal' ? 'operations' : 'security';

  const details: Record<string, unknown> = { rule: clipPayload(alert.rule, 256), priority: alert.priority.slice(0, 32) };
  if (alert.source) details.source = clipPayload(alert.source, 64);
  if (hostname) details.hostname = hostname;
  if (alert.tags?.length) details.tags = alert.tags.slice(0, 32).map((t) => clipPayload(t, 64));
  if (alert.uuid) details.uuid = clipPayload(alert.uuid, 64);
  if (config.includeOutputFields && fields) details.outputFields = boundedFields(fields);

  const event: SourceEvent = {
    severity: severityOf(priority),
    category,
    eventType,
    title: payloadLine(alert.rule, 120) || 'Falco alert',
    detectedAt: detectedAtOf(alert, receivedAt),
    details,
    dedupKey: falcoDedupKey(alert.rule, resource, hostname, fields, config.dedupFields),
  };
  const message = alert.output ? clipPayload(alert.output.replace(OUTPUT_PREFIX, '').trim(), 4096) : '';
  if (message) event.message = message;
  if (resource) event.resource = resource;
  return event;
}
