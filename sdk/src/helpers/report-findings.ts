import type { InformerEventType, KubeObject, PluginContext } from '../plugin.js';
import type { SourceEvent } from '../source-event.js';
import { keepMostSevere } from './finding-limits.js';
import { asRecord, asText } from './object-access.js';
import { SILENT, tallyFor, type Tally } from './tally.js';

/**
 * What a state-like informer plugin (a report rewritten on every scan) needs to answer one
 * informer callback with {@link reportFindings}.
 *
 * @example
 * ```ts
 * const opts: ReportFindingsOptions = { map: (obj, tally) => mapReport(obj, ctx.config, tally), max: 1000, what: 'report', limitKey: 'maxFindingsPerReport' };
 * ```
 */
export interface ReportFindingsOptions {
  /** Maps one version of the object to its findings, counting what it skips on `tally`. */
  map: (obj: KubeObject, tally: Tally) => SourceEvent[];
  /** At most this many findings per object; the least severe beyond it are left out (counted, logged). */
  max: number;
  /** What the object is, for the log line (`report`, `ConfigMap`). */
  what: string;
  /** The config key that sets `max`, named in the log line so a person knows what to raise. */
  limitKey: string;
}

/**
 * The informer hook of a report-like source: nothing on `delete`; every finding on `add` and
 * `sync`; on `update` only the findings the previous version did not have, since a scanner
 * rewrites the whole object on every run and a rescan that finds nothing new must create nothing
 * new. Findings past `max` are dropped least severe first, counted as `too_many_findings`.
 *
 * @example
 * ```ts
 * onEvent(type, obj, ctx, old) {
 *   const max = ctx.config.maxFindingsPerReport;
 *   return reportFindings(type, obj, old, ctx, { map: (o, t) => mapReport(o, ctx.config, t), max, what: 'report', limitKey: 'maxFindingsPerReport' });
 * }
 * ```
 */
export function reportFindings(type: InformerEventType, obj: KubeObject, old: KubeObject | undefined, ctx: PluginContext<unknown>, opts: ReportFindingsOptions): SourceEvent[] {
  if (type === 'delete') return [];
  const tally = tallyFor(ctx);
  let events = opts.map(obj, tally);
  if (type === 'update' && old) {
    const before = new Set(opts.map(old, SILENT).map((e) => e.dedupKey));
    events = events.filter((e) => !before.has(e.dedupKey));
  }
  const { kept, dropped } = keepMostSevere(events, opts.max);
  if (dropped > 0) {
    const meta = asRecord(obj.metadata);
    tally.skip('too_many_findings', undefined, dropped);
    ctx.log.warn(
      { object: `${asText(meta?.namespace) ?? ''}/${asText(meta?.name) ?? ''}`, kept: kept.length, dropped },
      `${opts.what} has more findings than ${opts.limitKey} (${opts.max}); the least severe were left out`,
    );
  }
  return kept;
}
