import { hash } from 'node:crypto';
import { GROUP, LABELS, LIMITS, VERSION, type Observation, type SourceEvent } from '@zen-watcher/sdk';
import { isBelievableTime } from '@zen-watcher/sdk/helpers';

/**
 * The Observation name for a finding: the source plus a hash of the dedup key. The same finding
 * gets the same name on every pod, across restarts and leader changes, which is what makes
 * dedup exact and catch-up idempotent.
 */
export function observationName(source: string, dedupKey: string): string {
  return `${source}-${hash('sha256', `${source}\n${dedupKey}`, 'hex').slice(0, 20)}`;
}

/** Reads a dotted path (`details.rule`, `resource.kind`) from an event. */
export function eventField(event: SourceEvent, path: string): unknown {
  let node: unknown = event;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The dedup key of an event: the plugin's, or the listed fields when an Ingester overrides it. */
export function dedupKeyOf(event: SourceEvent, fields: readonly string[] | undefined): string {
  if (!fields || fields.length === 0) return event.dedupKey;
  return fields.map((f) => JSON.stringify(eventField(event, f) ?? null)).join('|');
}

/**
 * Caps `details` at {@link LIMITS.detailsBytes} of JSON: long strings are cut first, then whole
 * keys are dropped (largest first), and a `_truncated` marker says so. etcd refuses objects over
 * about 1.5 MiB, and one noisy payload must not make a finding unwritable.
 */
export function boundDetails(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined;
  // Most details are a few hundred bytes: a bounded walk says so without serialising them.
  if (roughSize(details, LIMITS.detailsBytes / 2) <= LIMITS.detailsBytes / 2) return details;
  let json = JSON.stringify(details);
  if (json.length <= LIMITS.detailsBytes) return details;
  const cut: Record<string, unknown> = JSON.parse(JSON.stringify(details, (_k, v) => (typeof v === 'string' && v.length > 1024 ? `${v.slice(0, 1024)}…` : v)));
  json = JSON.stringify(cut);
  if (json.length <= LIMITS.detailsBytes) return { ...cut, _truncated: true };
  const sizes = Object.entries(cut)
    .map(([k, v]) => [k, JSON.stringify(v)?.length ?? 0] as const)
    .sort((a, b) => b[1] - a[1]);
  let total = json.length;
  const dropped: string[] = [];
  for (const [k, size] of sizes) {
    if (total <= LIMITS.detailsBytes - 512) break;
    delete cut[k];
    dropped.push(k);
    total -= size + k.length + 4;
  }
  return { ...cut, _truncated: true, _droppedKeys: dropped.slice(0, 50) };
}

/** An upper estimate of a value's JSON size that stops counting once past `budget`. */
function roughSize(value: unknown, budget: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && size <= budget) {
    const v = stack.pop();
    if (typeof v === 'string') size += v.length * 2 + 2; // escapes can double a string
    else if (v === null || typeof v !== 'object') size += 24;
    else if (Array.isArray(v)) {
      size += 2 + v.length;
      for (const x of v) stack.push(x);
    } else {
      // for-in, not Object.entries: no array per object walked, on every event's details.
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        size += k.length * 2 + 4;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return size;
}

export interface NormalizeContext {
  source: string;
  /** Namespace used when the event's resource has none, or one outside the host's scope. */
  defaultNamespace: string;
  /** Namespaces the host covers; empty = all. */
  scope: readonly string[];
  ttlSecondsAfterCreation: number;
  receivedAt: string;
}

/**
 * Turns a validated SourceEvent into the Observation the host writes. It lives in the namespace
 * of the affected resource when that is within this host's scope, else in the default
 * (the Ingester's) namespace.
 */
export function toObservation(event: SourceEvent, dedupKey: string, ctx: NormalizeContext): Observation {
  const ns = event.resource?.namespace;
  const namespace = ns && (ctx.scope.length === 0 || ctx.scope.includes(ns)) ? ns : ctx.defaultNamespace;
  // The same bounds as the sdk's time helpers: Go's zero time (0001-01-01), a 1970 epoch of an
  // unset field or a clock far ahead is not when the finding happened; when it arrived is.
  const detectedAt = event.detectedAt && isBelievableTime(Date.parse(event.detectedAt), Date.parse(ctx.receivedAt)) ? event.detectedAt : ctx.receivedAt;
  const spec: Observation['spec'] = {
    source: ctx.source,
    category: event.category,
    severity: event.severity,
    eventType: event.eventType,
    title: event.title,
    detectedAt,
    dedupKey: dedupKey.slice(0, LIMITS.dedupKeyLength),
    ttlSecondsAfterCreation: ctx.ttlSecondsAfterCreation,
  };
  if (event.message) spec.description = event.message;
  if (event.resource) spec.resource = event.resource;
  const details = boundDetails(event.details);
  if (details) spec.details = details;
  return {
    apiVersion: `${GROUP}/${VERSION}` as Observation['apiVersion'],
    kind: 'Observation',
    metadata: {
      name: observationName(ctx.source, dedupKey),
      namespace,
      labels: { [LABELS.source]: ctx.source, [LABELS.severity]: event.severity, [LABELS.category]: event.category },
    },
    spec,
    status: { count: event.count ?? 1, firstSeenAt: detectedAt, lastSeenAt: detectedAt },
  };
}
