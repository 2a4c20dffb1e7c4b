import { CATEGORIES, type Category, type ResourceRef, type Severity, type SourceEvent } from '@zen-watcher/sdk';
import { clipPayload, isUnsafeKey, normalizeTime, payloadLine } from '@zen-watcher/sdk/helpers';
import { boundedCopy, DETAILS_LIMITS } from './canonical-json.js';
import type { CompiledConfig } from './compiled-config.js';
import type { WebhookConfig } from './config.js';
import { dedupKeyOf } from './dedup-key.js';
import type { DropReason } from './drop-counter.js';
import { getFirst, getPath, type Path } from './path.js';
import { renderTemplate } from './template.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

/** What became of one item. */
export type ItemOutcome = { event: SourceEvent; unmappedSeverity: boolean } | { drop: DropReason };

/** Where the mapping runs: the compiled and raw config, the instance, the receive time. */
export interface MapContext {
  cc: CompiledConfig;
  config: WebhookConfig;
  instance: string;
  receivedAt: string;
}

function scalarText(value: unknown, max = 256): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : clipPayload(value.trim(), max);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * Turns a payload value into an eventType: `ValidationFailed` → `validation_failed`,
 * `dev.cdevents.incident.detected.0.3.0` → `dev_cdevents_incident_detected_0_3_0`.
 *
 * @example
 * ```ts
 * toEventType('HighMemory Load'); // 'high_memory_load'
 * ```
 */
export function toEventType(value: string): string {
  return value
    .slice(0, 256)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63)
    .replace(/_+$/, '');
}

function firstTime(item: unknown, paths: readonly Path[], root: unknown): string | undefined {
  // Unlike other fields, an alternative that is present but not a time gives way to the next.
  for (const p of paths) {
    const t = normalizeTime(getPath(item, p, root));
    if (t) return t;
  }
  return undefined;
}

/**
 * The affected object: each field from its paths, else from `resourceDefaults`. Defaults only
 * complete what the payload names; with nothing from the payload there is no resource (a bare
 * `kind: Pod` says nothing about which pod).
 */
function resourceOf(item: unknown, root: unknown, { cc, config }: MapContext): ResourceRef | undefined {
  const out: ResourceRef = {};
  let fromPayload = false;
  for (const field of ['apiVersion', 'kind', 'name', 'namespace'] as const) {
    const found = scalarText(getFirst(item, cc.resource[field], root), 1024);
    const value = found ?? config.resourceDefaults[field];
    if (!value || value.length > 253) continue;
    // The namespace decides where the Observation is written: only a valid one is taken.
    if (field === 'namespace' && !DNS_LABEL.test(value)) continue;
    out[field] = value;
    if (found !== undefined) fromPayload = true;
  }
  return fromPayload ? out : undefined;
}

function detailsOf(item: Record<string, unknown>, root: unknown, cc: CompiledConfig): Record<string, unknown> {
  if (cc.details.length === 0) return boundedCopy(item, DETAILS_LIMITS) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const per = { ...DETAILS_LIMITS, totalChars: Math.floor(DETAILS_LIMITS.totalChars / cc.details.length) };
  for (const { key, paths } of cc.details) {
    if (isUnsafeKey(key)) continue;
    const value = getFirst(item, paths, root);
    if (value !== undefined) out[key] = boundedCopy(value, per);
  }
  return out;
}

/**
 * Whether `ignoreWhen` drops an item: its value at one rule's path is one of that rule's values.
 *
 * @example
 * ```ts
 * if (isIgnored(alert, body, cc)) countDrop(ctx, 'ignored');
 * ```
 */
export function isIgnored(item: unknown, root: unknown, cc: CompiledConfig): boolean {
  for (const rule of cc.ignoreWhen) {
    const v = scalarText(getFirst(item, rule.paths, root));
    if (v !== undefined && rule.values.has(v.toLowerCase())) return true;
  }
  return false;
}

/**
 * Maps one item (an object) of a webhook body to an event, or says why it is dropped.
 *
 * @example
 * ```ts
 * const outcome = mapItem(alert, body, { cc, config, instance: ctx.name, receivedAt });
 * if ('event' in outcome) events.push(outcome.event);
 * ```
 */
export function mapItem(item: Record<string, unknown>, root: unknown, mc: MapContext): ItemOutcome {
  const { cc, config } = mc;
  if (isIgnored(item, root, cc)) return { drop: 'ignored' };

  let severity: Severity = config.defaultSeverity;
  let unmappedSeverity = false;
  const rawSeverity = scalarText(getFirst(item, cc.severity, root), 64);
  if (rawSeverity !== undefined) {
    const mapped = cc.severityMap.get(rawSeverity.toLowerCase());
    if (mapped) severity = mapped;
    else unmappedSeverity = true;
  }

  const rawCategory = scalarText(getFirst(item, cc.category, root), 32)?.toLowerCase();
  const category = (rawCategory && CATEGORY_SET.has(rawCategory) ? rawCategory : config.defaultCategory) as Category;
  const rawType = scalarText(getFirst(item, cc.eventType, root));
  const eventType = (rawType && toEventType(rawType)) || config.defaultEventType;

  const title = payloadLine(renderTemplate(cc.title, item, root, 512), 160) || payloadLine(config.defaultTitle, 160) || 'Webhook event';
  const message = clipPayload(renderTemplate(cc.description, item, root, 8192).trim(), 4096);

  let dedupKey: string;
  try {
    dedupKey = dedupKeyOf(item, root, cc, mc.instance);
  } catch {
    return { drop: 'too_deep' };
  }

  const event: SourceEvent = {
    severity,
    category,
    eventType,
    title,
    detectedAt: firstTime(item, cc.detectedAt, root) ?? normalizeTime(mc.receivedAt) ?? new Date().toISOString(),
    details: detailsOf(item, root, cc),
    dedupKey,
  };
  if (message) event.message = message;
  const resource = resourceOf(item, root, mc);
  if (resource) event.resource = resource;
  return { event, unmappedSeverity };
}
