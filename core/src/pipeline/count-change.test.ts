import { describe, expect, it } from 'vitest';
import { applyChange, changeOf, combine, initialCount, isNoop, later, remainderAfterFirst } from './count-change.js';

const t1 = '2026-11-26T00:00:01Z';
const t2 = '2026-11-26T00:00:02Z';

describe('the merge rule', () => {
  it.each([
    ['a repeat counted by the host adds one', changeOf(undefined, false, t2), { count: 3, lastSeenAt: t1 }, { count: 4, lastSeenAt: t2 }],
    ['a self-counted event raises the count to its own', changeOf(9, false, t2), { count: 3, lastSeenAt: t1 }, { count: 9, lastSeenAt: t2 }],
    ['a self-counted event never lowers it', changeOf(2, false, t2), { count: 3, lastSeenAt: t1 }, { count: 3, lastSeenAt: t2 }],
    ['a relist re-sighting leaves it alone', changeOf(undefined, true, t2), { count: 3, lastSeenAt: t1 }, { count: 3, lastSeenAt: t1 }],
    ['an older sighting keeps the newer lastSeenAt', changeOf(undefined, false, t1), { count: 1, lastSeenAt: t2 }, { count: 2, lastSeenAt: t2 }],
  ])('%s', (_what, change, current, expected) => {
    expect(applyChange(current, change)).toEqual(expected);
  });

  it('creates with the count of the change, and at least one', () => {
    expect(initialCount(changeOf(undefined, true, t1))).toBe(1);
    expect(initialCount(changeOf(undefined, false, t1))).toBe(1);
    expect(initialCount(changeOf(7, false, t1))).toBe(7);
    expect(initialCount(combine(changeOf(undefined, false, t1), changeOf(undefined, false, t2)))).toBe(2);
  });

  it('combines repeats into one change that applies as they would one by one', () => {
    const a = changeOf(undefined, false, t2);
    const b = changeOf(undefined, false, t1);
    const start = { count: 5, lastSeenAt: t1 };
    expect(applyChange(start, combine(a, b))).toEqual(applyChange(applyChange(start, a), b));
    const x = changeOf(4, false, t1);
    const y = changeOf(6, false, t2);
    expect(applyChange(start, combine(x, y))).toEqual(applyChange(applyChange(start, x), y));
    expect(isNoop(combine(changeOf(undefined, true, t1), changeOf(undefined, true, t2)))).toBe(true);
  });

  it('after a merge that took our new Observation for a first sighting, adds only the rest', () => {
    const ours = combine(changeOf(undefined, false, t1), combine(changeOf(undefined, false, t1), changeOf(undefined, false, t2)));
    const theirs = { count: 2, lastSeenAt: t1 }; // they counted ours as 1 and added their 1
    expect(applyChange(theirs, remainderAfterFirst(ours)).count).toBe(4);
  });

  it('compares times as times, an absent one losing', () => {
    expect(later(undefined, t1)).toBe(t1);
    expect(later('2026-11-26T00:00:02.5+00:00', t2)).toBe('2026-11-26T00:00:02.5+00:00');
    expect(later(t2, 'garbage')).toBe(t2);
  });
});
