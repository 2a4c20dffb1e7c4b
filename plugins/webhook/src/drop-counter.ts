import type { PluginContext, PluginCounter } from '@zen-watcher/sdk';

const drops = new WeakMap<object, PluginCounter>();
const unmapped = new WeakMap<object, PluginCounter>();

/**
 * Why an item produced no event: not a JSON object, `itemsPath` found no list, more items than
 * `maxItems`, an `ignoreWhen` match, a resolved alert of a recognised notification, nesting too
 * deep to hash, or an unexpected error.
 */
export type DropReason = 'not_an_object' | 'no_items' | 'too_many_items' | 'ignored' | 'resolved' | 'too_deep' | 'error';

/**
 * Counts dropped items on `zenwatcher_plugin_dropped_total{reason}`.
 *
 * @example
 * ```ts
 * countDrop(ctx, 'ignored');
 * ```
 */
export function countDrop(ctx: PluginContext<unknown>, reason: DropReason, n = 1): void {
  let c = drops.get(ctx.metrics);
  if (!c) {
    c = ctx.metrics.counter('dropped_total', 'Webhook items received but not turned into events, by reason', ['reason']);
    drops.set(ctx.metrics, c);
  }
  c.inc({ reason }, n);
}

/**
 * Counts a severity value that neither `severityMap` nor the built-in words know (the event
 * gets `defaultSeverity`), so an operator can see that a mapping is missing.
 *
 * @example
 * ```ts
 * countUnmappedSeverity(ctx);
 * ```
 */
export function countUnmappedSeverity(ctx: PluginContext<unknown>): void {
  let c = unmapped.get(ctx.metrics);
  if (!c) {
    c = ctx.metrics.counter('unmapped_severity_total', 'Severity values not in severityMap nor the built-in words');
    unmapped.set(ctx.metrics, c);
  }
  c.inc();
}
