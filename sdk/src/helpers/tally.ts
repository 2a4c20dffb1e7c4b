import type { PluginContext, PluginCounter, PluginMetrics } from '../plugin.js';

/**
 * Where a mapper reports what it did not turn into events: `skip` for input that is malformed
 * (missing or wrongly typed fields), `filter` for valid findings the config excludes.
 *
 * @example
 * ```ts
 * function mapFindings(items: unknown[], tally: Tally) {
 *   if (items.length > 1000) tally.filter('too_many', items.length - 1000);
 * }
 * ```
 */
export interface Tally {
  /** Counts `skipped_total{reason}` by `count` and logs at debug with `where` (never the whole object). */
  skip(reason: string, where?: Record<string, unknown>, count?: number): void;
  /** Counts `filtered_total{reason}` by `count`. */
  filter(reason: string, count?: number): void;
  /**
   * Counts `merged_total{reason}` by `count`: findings of one object that had the dedup key of
   * another finding of the same object and were folded into it (never silently lost). Logs at
   * debug with `where`.
   */
  merged(reason: string, where?: Record<string, unknown>, count?: number): void;
}

/**
 * A tally that records nothing: used when re-mapping the previous version of an object on
 * `update`, whose problems were already counted when it arrived.
 *
 * @example
 * ```ts
 * const before = mapReport(old, config, SILENT);
 * ```
 */
export const SILENT: Tally = { skip: () => undefined, filter: () => undefined, merged: () => undefined };

interface Counters {
  skipped: PluginCounter;
  filtered: PluginCounter;
  merged: PluginCounter;
}

// One registration per metrics registry: a Prometheus registry refuses a second metric of the
// same name, and hooks run once per object.
const registered = new WeakMap<PluginMetrics, Counters>();

function countersFor(metrics: PluginMetrics): Counters {
  let counters = registered.get(metrics);
  if (!counters) {
    counters = {
      skipped: metrics.counter('skipped_total', 'Objects or findings skipped because they were malformed', ['reason']),
      filtered: metrics.counter('filtered_total', 'Findings left out by the plugin configuration', ['reason']),
      merged: metrics.counter('merged_total', 'Findings of one object folded into another finding of it with the same dedup key', ['reason']),
    };
    registered.set(metrics, counters);
  }
  return counters;
}

/**
 * The tally of one plugin instance, backed by its metrics and logger.
 *
 * @example
 * ```ts
 * const tally = tallyFor(ctx);
 * tally.skip('missing_report', { name });
 * ```
 */
export function tallyFor(ctx: PluginContext<unknown>): Tally {
  const counters = countersFor(ctx.metrics);
  return {
    skip(reason, where, count = 1) {
      counters.skipped.inc({ reason }, count);
      ctx.log.debug({ reason, count, ...where }, 'skipped malformed input');
    },
    filter(reason, count = 1) {
      if (count > 0) counters.filtered.inc({ reason }, count);
    },
    merged(reason, where, count = 1) {
      if (count <= 0) return;
      counters.merged.inc({ reason }, count);
      ctx.log.debug({ reason, count, ...where }, 'merged findings with the same dedup key');
    },
  };
}
