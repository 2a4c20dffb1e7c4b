import { describe, expect, it } from 'vitest';
import type { PluginContext, PluginMetrics } from '../plugin.js';
import { SILENT, tallyFor } from './tally.js';

function fakeContext() {
  const counts: Record<string, number> = {};
  const registered: string[] = [];
  const metrics = {
    counter(name: string) {
      registered.push(name);
      return { inc: (labels: Record<string, string>, n = 1) => void (counts[`${name}:${labels.reason}`] = (counts[`${name}:${labels.reason}`] ?? 0) + n) };
    },
  } as unknown as PluginMetrics;
  const debug: unknown[] = [];
  const ctx = { metrics, log: { debug: (obj: unknown) => debug.push(obj) } } as unknown as PluginContext<unknown>;
  return { ctx, counts, registered, debug };
}

describe('tally', () => {
  it('counts skips and filters, registering the counters once per metrics object', () => {
    const { ctx, counts, registered, debug } = fakeContext();
    tallyFor(ctx).skip('missing_report', { name: 'r' });
    tallyFor(ctx).skip('missing_report', undefined, 2);
    tallyFor(ctx).filter('below_min_severity', 3);
    tallyFor(ctx).filter('below_min_severity', 0);
    tallyFor(ctx).merged('same_finding', { report: 'r' }, 2);
    tallyFor(ctx).merged('same_finding', undefined, 0);
    expect(counts).toEqual({ 'skipped_total:missing_report': 3, 'filtered_total:below_min_severity': 3, 'merged_total:same_finding': 2 });
    expect(registered).toEqual(['skipped_total', 'filtered_total', 'merged_total']);
    expect(debug[0]).toEqual({ reason: 'missing_report', count: 1, name: 'r' });
  });

  it('SILENT records nothing', () => {
    expect(() => {
      SILENT.skip('x');
      SILENT.filter('y', 3);
      SILENT.merged('z');
    }).not.toThrow();
  });
});
