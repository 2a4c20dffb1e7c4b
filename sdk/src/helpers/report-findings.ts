import type { InformerEventType, KubeObject, PluginContext } from '../plugin.js';
import type { SourceEvent } from '../source-event.js';
import { keepMostSevere } from './finding-limits.js';
import { asRecord, asText } from './object-access.js';
import { tallyFor, type Tally } from './tally.js';

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
 * The informer hook of a report-like source: nothing on `delete`, every finding the report
 * holds otherwise. A scanner rewrites the whole report on every run; the host remembers which
 * findings each report yielded and writes only the new ones, so a rescan that finds nothing new
 * creates nothing new. Findings past `max` are dropped least severe first, counted as
 * `too_many_findings`.
 *
 * @example
 * ```ts
 * onEvent(type, obj, ctx) {
 *   const max = ctx.config.maxFindingsPerReport;
 *   return reportFindings(type, obj, ctx, { map: (o, t) => mapReport(o, ctx.config, t), max, what: 'report', limitKey: 'maxFindingsPerReport' });
 * }
 * ```
 */
export function reportFindings(type: InformerEventType, obj: KubeObject, ctx: PluginContext<unknown>, opts: ReportFindingsOptions): SourceEvent[] {
  if (type === 'delete') return [];
  const tally = tallyFor(ctx);
  const events = opts.map(obj, tally);
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
