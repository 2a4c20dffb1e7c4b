import type { PluginContext, PluginCounter } from '@zen-watcher/sdk';

const counters = new WeakMap<object, PluginCounter>();

/**
 * Why an audit event produced no Observation: a stage that is not evaluated, no rule matched,
 * every matching rule ignores the user, the request was reported already (a re-delivery, an
 * exec session's second stage), or the event could not be mapped.
 */
export type DropReason = 'stage' | 'no_matching_rule' | 'ignored_user' | 'repeat_delivery' | 'error';

/**
 * Tallies drops over one batch and adds them to `zenwatcher_plugin_dropped_total{reason}` at
 * once, so a 400-event batch costs a handful of counter updates, not 400.
 *
 * @example
 * ```ts
 * const drops = new DropTally();
 * drops.add('stage');
 * drops.flush(ctx);
 * ```
 */
export class DropTally {
  private readonly counts = new Map<DropReason, number>();

  add(reason: DropReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  flush(ctx: PluginContext<unknown>): void {
    if (this.counts.size === 0) return;
    let c = counters.get(ctx.metrics);
    if (!c) {
      c = ctx.metrics.counter('dropped_total', 'Audit events received but not turned into events, by reason', ['reason']);
      counters.set(ctx.metrics, c);
    }
    for (const [reason, n] of this.counts) c.inc({ reason }, n);
    this.counts.clear();
  }
}
