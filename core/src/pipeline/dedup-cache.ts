import { LruMap } from '../collections/lru-map.js';
import { combine, type CountChange } from './count-change.js';
import type { PendingCount } from './ports.js';

/** What the cache remembers about one Observation recently written. */
interface DedupEntry {
  namespace: string;
  name: string;
  source: string;
  /** When the Observation was last written through (ms); repeats are absorbed until this + window. */
  writtenAt: number;
  windowMs: number;
  /** Repeats absorbed since the last flush, as one change. */
  pending?: CountChange;
}

/** Where an Observation lives: the cache's key, as it is the sink's. */
export interface ObservationKey {
  namespace: string;
  name: string;
}

const keyOf = (k: ObservationKey): string => `${k.namespace}/${k.name}`;

/**
 * A bounded, windowed dedup cache keyed by Observation (namespace and name, as the sinks key
 * them). Within an entry's window a repeat is absorbed (its count kept pending) instead of
 * written. Least recently used entries are evicted past `maxSize`; an evicted entry with a
 * pending count is handed back so it is written, not lost.
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

  /** Whether the Observation was written recently (within its window). */
  has(key: ObservationKey): boolean {
    const e = this.entries.peek(keyOf(key));
    return e !== undefined && this.now() - e.writtenAt < e.windowMs;
  }

  /** Absorbs a repeat if the Observation was written within its window. True when absorbed. */
  absorb(key: ObservationKey, change: CountChange): boolean {
    const k = keyOf(key);
    const e = this.entries.peek(k);
    if (!e || this.now() - e.writtenAt >= e.windowMs) return false;
    this.entries.get(k);
    e.pending = e.pending ? combine(e.pending, change) : change;
    return true;
  }

  /** Records that an Observation was just written. Returns entries evicted with counts pending. */
  remember(entry: ObservationKey & { source: string; windowMs: number }): PendingCount[] {
    const k = keyOf(entry);
    const previous = this.entries.peek(k);
    if (this.maxSize <= 0 || entry.windowMs <= 0) {
      this.entries.delete(k);
      return previous?.pending ? [pendingOf(previous, previous.pending)] : [];
    }
    const evicted = this.entries.set(k, { namespace: entry.namespace, name: entry.name, source: entry.source, windowMs: entry.windowMs, writtenAt: this.now(), pending: previous?.pending });
    return evicted.flatMap(([, e]) => (e.pending ? [pendingOf(e, e.pending)] : []));
  }

  /** Takes every pending count (resetting them) and drops entries whose window has passed. */
  drainPending(): PendingCount[] {
    const out: PendingCount[] = [];
    const expired: string[] = [];
    const now = this.now();
    for (const [k, e] of this.entries.entries()) {
      if (e.pending) {
        out.push(pendingOf(e, e.pending));
        e.pending = undefined;
      }
      if (now - e.writtenAt >= e.windowMs) expired.push(k);
    }
    for (const k of expired) this.entries.delete(k);
    return out;
  }

  /** Puts counts back after a failed flush so the next flush retries them. */
  restore(counts: readonly PendingCount[]): void {
    for (const c of counts) {
      const k = keyOf(c);
      const e = this.entries.peek(k);
      if (e) e.pending = e.pending ? combine(c.change, e.pending) : c.change;
      else this.entries.set(k, { namespace: c.namespace, name: c.name, source: c.source, writtenAt: this.now(), windowMs: 0, pending: c.change });
    }
  }

  /** Forgets an entry (its Observation was deleted). */
  forget(key: ObservationKey): void {
    this.entries.delete(keyOf(key));
  }
}

function pendingOf(e: DedupEntry, change: CountChange): PendingCount {
  return { namespace: e.namespace, name: e.name, source: e.source, change };
}
