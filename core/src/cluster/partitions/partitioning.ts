/**
 * How informer work is split between live replicas. Every object maps to one of 1024 fixed
 * buckets by a stable hash of its namespace (of its name when cluster-scoped), so one
 * namespace's findings always land on one owner; buckets group into `partitions` (a power of
 * two up to 1024: bucket mod partitions), each owned through its own Lease. Observations carry
 * their origin's bucket as a label, so a new owner lists exactly the Observations of the
 * partitions it took, whatever the partition count was when they were written.
 */
export const BUCKETS = 1024;

/** A 32-bit FNV-1a hash. */
function fnv(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The bucket of an object: by namespace, or by name for a cluster-scoped one. */
export function bucketOf(namespace: string | undefined, name: string | undefined): number {
  return fnv(namespace ? `ns/${namespace}` : `name/${name ?? ''}`) % BUCKETS;
}

export function partitionOfBucket(bucket: number, partitions: number): number {
  return bucket % partitions;
}

/** The buckets of a set of partitions, for a label selector (`bucket in (...)`). */
export function bucketsOf(partitions: Iterable<number>, count: number): number[] {
  const wanted = new Set(partitions);
  const out: number[] = [];
  for (let b = 0; b < BUCKETS; b++) if (wanted.has(b % count)) out.push(b);
  return out;
}

/**
 * Which member should own each partition. Every member gets its share: ⌊partitions/members⌋,
 * one more for the first `partitions mod members` of them in a stable hashed order. Partitions
 * stay with their current holder while it is a member within its share (so a member joining or
 * leaving moves only what must move, and nobody pauses for the rest); the others go, each to
 * its highest-ranked member (rendezvous hashing) that still has room. Every pod computes the
 * same answer from the same members and holders.
 */
export function assignPartitions(members: readonly string[], partitions: number, holders: ReadonlyMap<number, string> = new Map()): Map<number, string> {
  const out = new Map<number, string>();
  const live = [...new Set(members)].sort((a, b) => fnv(`member#${a}`) - fnv(`member#${b}`) || (a < b ? -1 : 1));
  if (live.length === 0) return out;
  const base = Math.floor(partitions / live.length);
  const quota = new Map(live.map((m, i) => [m, base + (i < partitions % live.length ? 1 : 0)]));
  const load = new Map(live.map((m) => [m, 0]));
  const rank = (m: string, p: number) => fnv(`${m}#${p}`);
  // Current holders keep what they hold, up to their share, their best-ranked partitions first.
  const held = [...holders].filter(([p, m]) => p < partitions && quota.has(m)).sort(([p1, m1], [p2, m2]) => rank(m2, p2) - rank(m1, p1));
  for (const [p, m] of held) {
    if (load.get(m)! < quota.get(m)!) {
      out.set(p, m);
      load.set(m, load.get(m)! + 1);
    }
  }
  for (let p = 0; p < partitions; p++) {
    if (out.has(p)) continue;
    const owner = [...live].sort((a, b) => rank(b, p) - rank(a, p) || (a < b ? -1 : 1)).find((m) => load.get(m)! < quota.get(m)!)!;
    out.set(p, owner);
    load.set(owner, load.get(owner)! + 1);
  }
  return out;
}
