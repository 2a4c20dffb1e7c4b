import { describe, expect, it } from 'vitest';
import { DedupCache } from './dedup-cache.js';

const entry = (name: string, windowMs = 60_000, namespace = 'ns') => ({ namespace, name, source: 's', windowMs });
const at = (name: string, namespace = 'ns') => ({ namespace, name });
const one = (lastSeenAt = '2026-11-26T00:00:00Z') => ({ add: 1, lastSeenAt });

describe('DedupCache', () => {
  it('absorbs repeats within the window and not after it', () => {
    let now = 0;
    const cache = new DedupCache(10, () => now);
    expect(cache.absorb(at('a'), one())).toBe(false);
    cache.remember(entry('a'));
    now = 59_999;
    expect(cache.absorb(at('a'), one('2026-11-26T00:01:00Z'))).toBe(true);
    now = 60_000;
    expect(cache.absorb(at('a'), one())).toBe(false);
  });

  it('keys by namespace and name: the same name in another namespace is another Observation', () => {
    const cache = new DedupCache(10, () => 0);
    cache.remember(entry('a', 60_000, 'shop'));
    expect(cache.absorb(at('a', 'billing'), one())).toBe(false);
    expect(cache.absorb(at('a', 'shop'), one())).toBe(true);
    expect(cache.has(at('a', 'billing'))).toBe(false);
  });

  it('hands back pending counts once, with the latest lastSeenAt and the highest source count', () => {
    const cache = new DedupCache(10, () => 0);
    cache.remember(entry('a'));
    cache.absorb(at('a'), { add: 0, atLeast: 3, lastSeenAt: '2026-11-26T00:00:05Z' });
    cache.absorb(at('a'), { add: 0, atLeast: 7, lastSeenAt: '2026-11-26T00:00:09Z' });
    cache.absorb(at('a'), { add: 0, atLeast: 5, lastSeenAt: '2026-11-26T00:00:07Z' });
    expect(cache.drainPending()).toEqual([{ namespace: 'ns', name: 'a', source: 's', change: { add: 0, atLeast: 7, lastSeenAt: '2026-11-26T00:00:09Z' } }]);
    expect(cache.drainPending()).toEqual([]);
  });

  it('evicts the least recently used entry past maxSize and returns its pending count', () => {
    const cache = new DedupCache(2, () => 0);
    cache.remember(entry('a'));
    cache.remember(entry('b'));
    cache.absorb(at('a'), one()); // a is now the most recently used
    const evicted = cache.remember(entry('c'));
    expect(evicted).toEqual([]); // b went, with nothing pending
    expect(cache.absorb(at('b'), one())).toBe(false);
    const evicted2 = cache.remember(entry('d'));
    expect(evicted2.map((e) => [e.name, e.change.add])).toEqual([['a', 1]]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing when the window is zero or the size is zero', () => {
    const cache = new DedupCache(0, () => 0);
    cache.remember(entry('a'));
    expect(cache.absorb(at('a'), one())).toBe(false);
    const c2 = new DedupCache(5, () => 0);
    c2.remember(entry('a', 0));
    expect(c2.absorb(at('a'), one())).toBe(false);
  });

  it('restores counts whose write failed, adding what was absorbed meanwhile', () => {
    const cache = new DedupCache(10, () => 0);
    cache.remember(entry('a'));
    cache.absorb(at('a'), one());
    const pending = cache.drainPending();
    cache.absorb(at('a'), one());
    cache.restore(pending);
    expect(cache.drainPending()[0].change.add).toBe(2);
  });
});
