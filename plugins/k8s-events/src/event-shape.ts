import type { ResourceRef } from '@zen-watcher/sdk';
import { asNumber, asRecord, asText, compact, eventTime, firstEventTime } from '@zen-watcher/sdk/helpers';

/**
 * An Event read from either API: core `v1` (`involvedObject`, `message`, `count`,
 * `firstTimestamp`/`lastTimestamp`, `source`) or `events.k8s.io/v1` (`regarding`, `note`,
 * `deprecatedCount`, `deprecated*Timestamp`, `deprecatedSource`). Both APIs serve the same
 * objects, converted field by field.
 */
export interface EventView {
  name?: string;
  namespace?: string;
  type?: string;
  reason?: string;
  message: string;
  /** The object the event is about. */
  regarding?: ResourceRef & { fieldPath?: string };
  related?: ResourceRef;
  /** Total occurrences so far: the largest of `count`, `deprecatedCount`, `series.count`, at least 1. */
  count: number;
  /** The event's own time (see {@link readEvent}). */
  detectedAt?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  component?: string;
  host?: string;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
}

/**
 * Reads an object reference. A reference with a kind names that object (its name may be missing:
 * the API server accepts a Job or Node reference without one, and recorders write them for objects
 * not created yet); one with only a namespace is about the namespace. Without kind and namespace
 * (or without a kind and with a name alone) it names nothing.
 */
function readObjectRef(value: unknown): (ResourceRef & { fieldPath?: string }) | undefined {
  const ref = asRecord(value);
  const kind = asText(ref?.kind);
  const name = asText(ref?.name);
  const namespace = asText(ref?.namespace);
  if (!ref) return undefined;
  if (!kind) return namespace && !name ? { apiVersion: 'v1', kind: 'Namespace', name: namespace.slice(0, 253) } : undefined;
  return compact({
    apiVersion: asText(ref.apiVersion)?.slice(0, 253),
    kind: kind.slice(0, 253),
    name: name?.slice(0, 253),
    namespace: namespace?.slice(0, 63),
    uid: asText(ref.uid)?.slice(0, 64),
    fieldPath: asText(ref.fieldPath)?.slice(0, 253),
  });
}

/**
 * Whether an object is shaped like an `events.k8s.io` Event rather than a core one. Objects
 * from a list may lack `apiVersion`, so the fields decide when it is missing.
 *
 * @example
 * ```ts
 * isEventsApi({ regarding: { kind: 'Pod', name: 'web' } }); // true
 * ```
 */
export function isEventsApi(obj: Record<string, unknown>): boolean {
  const apiVersion = asText(obj.apiVersion);
  if (apiVersion) return apiVersion.startsWith('events.k8s.io/');
  return 'regarding' in obj || 'note' in obj || 'deprecatedCount' in obj;
}

/**
 * Reads an Event of either API into one view. `detectedAt` is `eventTime`, else
 * `lastTimestamp`, else `firstTimestamp`, else `series.lastObservedTime`, else the object's
 * creation time (`eventTime` is null on events written through the old API, the timestamps
 * are empty on events of the new one).
 *
 * @example
 * ```ts
 * const view = readEvent(obj);
 * view.count; // 8
 * ```
 */
export function readEvent(obj: Record<string, unknown>): EventView {
  const meta = asRecord(obj.metadata) ?? {};
  const series = asRecord(obj.series);
  const modern = isEventsApi(obj);
  const counts = [asNumber(modern ? obj.deprecatedCount : obj.count), asNumber(series?.count)].filter((n): n is number => n !== undefined);
  const count = Math.max(1, ...counts.map((n) => Math.floor(n)).filter((n) => n <= Number.MAX_SAFE_INTEGER));
  const first = modern ? obj.deprecatedFirstTimestamp : obj.firstTimestamp;
  const last = modern ? obj.deprecatedLastTimestamp : obj.lastTimestamp;
  const source = asRecord(modern ? obj.deprecatedSource : obj.source);
  return compact({
    name: asText(meta.name),
    namespace: asText(meta.namespace),
    type: asText(obj.type),
    reason: asText(obj.reason),
    message: asText(modern ? obj.note : obj.message) ?? '',
    regarding: readObjectRef(modern ? obj.regarding : obj.involvedObject),
    related: readObjectRef(obj.related),
    count,
    detectedAt: firstEventTime(obj.eventTime, last, first, series?.lastObservedTime, meta.creationTimestamp),
    firstTimestamp: eventTime(first),
    lastTimestamp: eventTime(last),
    component: asText(source?.component),
    host: asText(source?.host),
    reportingController: asText(modern ? obj.reportingController : obj.reportingComponent),
    reportingInstance: asText(obj.reportingInstance),
    action: asText(obj.action),
  });
}
