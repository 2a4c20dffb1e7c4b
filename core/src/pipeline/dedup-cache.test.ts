import { describe, expect, it } from 'vitest';
import { DedupCache } from './dedup-cache.js';

const entry = (name: string, windowMs = 60_000) => ({ namespace: 'ns', name, source: 's', windowMs, lastSeenAt: '2026-11-26T00:00:00Z' });

describe('DedupCache', () => {
  it('absorbs repeats within the window and not after it', () => {
    let now = 0;
    const cache = new DedupCache(10, () => now);
    expect(cache.absorb('a', 't')).toBe(false);
    cache.remember(entry('a'));
    now = 59_999;
    expect(cache.absorb('a', '2026-11-26T00:01:00Z')).toBe(true);
    now = 60_000;
    expect(cache.absorb('a', 't')).toBe(false);
  });

  it('hands back pending counts once, with the latest lastSeenAt and the highest source count', () => {
    const cache = new DedupCache(10, () => 0);
    cache.remember(entry('a'));
    cache.absorb('a', '2026-11-26T00:00:05Z', 3);
    cache.absorb('a', '2026-11-26T00:00:09Z', 7);
    cache.absorb('a', '2026-11-26T00:00:07Z', 5);
    expect(cache.drainPending()).toEqual([{ namespace: 'ns', name: 'a', source: 's', pending: 3, atLeast: 7, lastSeenAt: '2026-11-26T00:00:09Z' }]);
    expect(cache.drainPending()).toEqual([]);
  });

  it('evicts the least recently used entry past maxSize and returns its pending count', () => {
    const cache = new DedupCache(2, () => 0);
    cache.remember(entry('a'));
    cache.remember(entry('b'));
    cache.absorb('a', 't'); // a is now the most recently used
    const evicted = cache.remember(entry('c'));
    expect(evicted).toEqual([]); // b went, with nothing pending
    expect(cache.absorb('b', 't')).toBe(false);
    const evicted2 = cache.remember(entry('d'));
    expect(evicted2.map((e) => [e.name, e.pending])).toEqual([['a', 1]]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing when the window is zero or the size is zero', () => {
    const cache = new DedupCache(0, () => 0);
    cache.remember(entry('a'));
    expect(cache.absorb('a', 't')).toBe(false);
    const c2 = new DedupCache(5, () => 0);
    c2.remember(entry('a', 0));
    expect(c2.absorb('a', 't')).toBe(false);
  });

  it('restores counts whose write failed', () => {
    const cache = new DedupCache(10, () => 0);
    cache.remember(entry('a'));
    cache.absorb('a', 't');
    const pending = cache.drainPending();
    cache.restore(pending);
    expect(cache.drainPending()[0].pending).toBe(1);
  });
});
