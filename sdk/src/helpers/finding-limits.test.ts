import { describe, expect, it } from 'vitest';
import type { SourceEvent } from '../source-event.js';
import { keepMostSevere } from './finding-limits.js';

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
