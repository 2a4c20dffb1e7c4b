import { describe, expect, it } from 'vitest';
import { assignPartitions, bucketOf, bucketsOf, partitionOfBucket } from './partitioning.js';

const shares = (members: string[], partitions = 32) => {
  const counts = new Map(members.map((m) => [m, 0]));
  for (const owner of assignPartitions(members, partitions).values()) counts.set(owner, counts.get(owner)! + 1);
  return counts;
};

describe('partitioning', () => {
  it('gives every member its share, within one, whatever the names', () => {
    for (const members of [['zw-0', 'zw-1', 'zw-2'], ['a', 'b'], ['pod-x7f', 'pod-q2a', 'pod-m9c', 'pod-z1z', 'pod-k3k']]) {
      const counts = [...shares(members).values()];
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      expect(counts.reduce((a, b) => a + b)).toBe(32);
    }
  });

  it('hands a leaving member\'s partitions to the others, who keep theirs', () => {
    const before = assignPartitions(['a', 'b', 'c'], 32);
    const after = assignPartitions(['a', 'b'], 32, before);
    for (const [p, owner] of before) if (owner !== 'c') expect(after.get(p)).toBe(owner);
    expect([...shares(['a', 'b']).values()]).toEqual([16, 16]);
  });

  it('is the same on every pod: the order members are listed in does not matter', () => {
    expect([...assignPartitions(['c', 'a', 'b'], 32)]).toEqual([...assignPartitions(['b', 'c', 'a'], 32)]);
  });

  it('moves about a share when a third member joins, and the others keep the rest', () => {
    const before = assignPartitions(['zw-0', 'zw-1'], 32);
    const after = assignPartitions(['zw-0', 'zw-1', 'zw-2'], 32, before);
    const moved = [...after].filter(([p, owner]) => before.get(p) !== owner);
    expect(moved.every(([, owner]) => owner === 'zw-2')).toBe(true);
    expect(moved.length).toBeGreaterThanOrEqual(10);
    expect(moved.length).toBeLessThanOrEqual(11);
  });

  it('keeps a namespace in one bucket, and maps buckets to partitions by a power of two', () => {
    expect(bucketOf('shop', 'a')).toBe(bucketOf('shop', 'b'));
    expect(bucketOf(undefined, 'cluster-report')).not.toBe(bucketOf('cluster-report', undefined));
    const b = bucketOf('shop', 'x');
    expect(bucketsOf([partitionOfBucket(b, 32)], 32)).toContain(b);
    expect(bucketsOf([0], 32)).toHaveLength(32);
  });
});
