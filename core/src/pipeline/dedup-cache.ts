import { LruMap } from './lru-map.js';

/** What the cache remembers about one Observation recently written. */
export interface DedupEntry {
  namespace: string;
  name: string;
  source: string;
  /** When the Observation was last written through (ms); repeats are absorbed until this + window. */
  writtenAt: number;
  windowMs: number;
  /** Repeats absorbed since the last flush. */
  pending: number;
  /** Highest source-reported count seen (event-like sources), if any. */
  atLeast?: number;
  lastSeenAt: string;
}

/** A count update to write for an entry that absorbed repeats. */
export type PendingCount = Pick<DedupEntry, 'namespace' | 'name' | 'source' | 'pending' | 'atLeast' | 'lastSeenAt'>;

/**
 * A bounded, windowed dedup cache keyed by Observation name. Within an entry's window a repeat
 * is absorbed (its count kept in `pending`) instead of written. Least recently used entries are
 * evicted past `maxSize`; an evicted entry with pending counts is handed back so they are
 * written, not lost.
 */
export class DedupCache {
  private readonly entries: LruMap<string, DedupEntry>;

  constructor(
    private readonly maxSize: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruMap(Math.max(0, maxSize));
  }

  get size(): number {
    return this.entries.size;
  }

  /** Whether `name` was written recently (within its window). */
  has(name: string): boolean {
    const e = this.entries.peek(name);
    return e !== undefined && this.now() - e.writtenAt < e.windowMs;
  }

  /**
   * Absorbs a repeat of `name` if it was written within its window. Returns true when absorbed.
   */
  absorb(name: string, lastSeenAt: string, atLeast?: number): boolean {
    const e = this.entries.peek(name);
    if (!e || this.now() - e.writtenAt >= e.windowMs) return false;
    this.entries.get(name);
    e.pending += 1;
    if (atLeast !== undefined) e.atLeast = Math.max(e.atLeast ?? 0, atLeast);
    if (lastSeenAt > e.lastSeenAt) e.lastSeenAt = lastSeenAt;
    return true;
  }

  /**
   * Records that `name` was just written. Returns entries evicted with counts still pending.
   */
  remember(entry: Omit<DedupEntry, 'writtenAt' | 'pending' | 'atLeast'>): PendingCount[] {
    const previous = this.entries.peek(entry.name);
    if (this.maxSize <= 0 || entry.windowMs <= 0) {
      this.entries.delete(entry.name);
      return previous && previous.pending > 0 ? [previous] : [];
    }
    const evicted = this.entries.set(entry.name, {
      ...entry,
      writtenAt: this.now(),
      pending: previous?.pending ?? 0,
      atLeast: previous?.atLeast,
    });
    return evicted.map(([, e]) => e).filter((e) => e.pending > 0);
  }

  /** Takes every pending count (resetting them) and drops entries whose window has passed. */
  drainPending(): PendingCount[] {
    const out: PendingCount[] = [];
    const expired: string[] = [];
    const now = this.now();
    for (const [name, e] of this.entries.entries()) {
      if (e.pending > 0 || e.atLeast !== undefined) {
        out.push({ namespace: e.namespace, name: e.name, source: e.source, pending: e.pending, atLeast: e.atLeast, lastSeenAt: e.lastSeenAt });
        e.pending = 0;
        e.atLeast = undefined;
      }
      if (now - e.writtenAt >= e.windowMs) expired.push(name);
    }
    for (const name of expired) this.entries.delete(name);
    return out;
  }

  /** Puts counts back after a failed flush so the next flush retries them. */
  restore(counts: PendingCount[]): void {
    for (const c of counts) {
      const e = this.entries.peek(c.name);
      if (e) {
        e.pending += c.pending;
        if (c.atLeast !== undefined) e.atLeast = Math.max(e.atLeast ?? 0, c.atLeast);
      } else {
        this.entries.set(c.name, { ...c, writtenAt: this.now(), windowMs: 0 });
      }
    }
  }

  /** Forgets an entry (its Observation was deleted). */
  forget(name: string): void {
    this.entries.delete(name);
  }
}
