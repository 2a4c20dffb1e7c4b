import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../source-event.js';
import { keepMostSevere, mergeSameKey } from './finding-limits.js';

const event = (dedupKey: string, severity: SourceEvent['severity']) => ({ dedupKey, severity }) as SourceEvent;

describe('keepMostSevere', () => {
  it('keeps everything under the limit, untouched', () => {
    const events = [event('a', 'low')];
    expect(keepMostSevere(events, 2)).toEqual({ kept: events, dropped: 0 });
  });

  it('keeps the most severe first, input order within a severity', () => {
    const events = [event('a', 'low'), event('b', 'high'), event('c', 'critical'), event('d', 'high')];
    const { kept, dropped } = keepMostSevere(events, 3);
    expect(kept.map((e) => e.dedupKey)).toEqual(['c', 'b', 'd']);
    expect(dropped).toBe(1);
  });
});

describe('mergeSameKey', () => {
  const tally = () => {
    const merged: [string, unknown, number | undefined][] = [];
    return { merged, t: { merged: (reason: string, where?: unknown, n?: number) => void merged.push([reason, where, n]) } };
  };

  it('returns the input when every key is distinct, counting nothing', () => {
    const { merged, t } = tally();
    const events = [event('a', 'low'), event('b', 'low')];
    expect(mergeSameKey(events, t, { reason: 'same_finding' })).toBe(events);
    expect(merged).toEqual([]);
  });

  it('folds repeats into the first, counts them, and with asOccurrences says how many there were', () => {
    const { merged, t } = tally();
    const events = [event('a', 'low'), event('b', 'high'), event('a', 'medium'), event('a', 'low')];
    const out = mergeSameKey(events, t, { reason: 'same_finding', where: { report: 'r' }, asOccurrences: true });
    expect(out).toEqual([{ dedupKey: 'a', severity: 'low', count: 3 }, { dedupKey: 'b', severity: 'high' }]);
    expect(merged).toEqual([['same_finding', { report: 'r' }, 2]]);
    expect(mergeSameKey(events, t, { reason: 'same_finding' }).map((e) => e.count)).toEqual([undefined, undefined]);
  });
});
