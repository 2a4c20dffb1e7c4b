import type { PluginContext, PluginCounter } from '@zen-watcher/sdk';

const counters = new WeakMap<object, PluginCounter>();

/**
 * Why an alert produced no event. Every drop is counted with one of these as its `reason`, so
 * nothing disappears silently.
 */
export type DropReason = 'below_min_priority' | 'unknown_priority' | 'error';

/**
 * Counts one dropped alert on `zenwatcher_plugin_dropped_total{reason}`. The counter is created
 * once per metrics object (the host shares it between instances anyway).
 *
 * @example
 * ```ts
 * countDrop(ctx, 'below_min_priority');
 * ```
 */
export function countDrop(ctx: PluginContext<unknown>, reason: DropReason): void {
  let c = counters.get(ctx.metrics);
  if (!c) {
    c = ctx.metrics.counter('dropped_total', 'Alerts received but not turned into events, by reason', ['reason']);
    counters.set(ctx.metrics, c);
  }
  c.inc({ reason });
}
