// Objects, the one global resourceVersion sequence, and per-resource watch history — the parts
// of etcd plus the apiserver's watch cache that clients can observe.
//
// Stored objects are never mutated: every write stores a new object, so a list snapshot (an
// array of references) stays consistent, which is what makes `continue` tokens serve the same
// snapshot as the first page, as etcd does.

export type Obj = Record<string, any>;
export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  object: Obj;
  /** State before this change (for selector transitions: leaving the selection is a DELETED). */
  prev?: Obj;
  rv: number;
}

export interface StoreWatcher {
  onEvent(ev: StoreEvent): void;
}

// Field order of the Go types (TypeMeta, ObjectMeta), so stored objects read like a real
// server's output; JSON clients do not care, people reading a failing test do.
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

function canonical(obj: Obj, resourceVersion: string): Obj {
  const meta: Obj = {};
  const src: Obj = { ...obj.metadata, resourceVersion };
  for (const k of META_ORDER) if (src[k] !== undefined) meta[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in meta) && src[k] !== undefined) meta[k] = src[k];
  const out: Obj = { kind: obj.kind, apiVersion: obj.apiVersion, metadata: meta };
  for (const k of Object.keys(obj)) if (!(k in out)) out[k] = obj[k];
  return out;
}

export function objectKey(o: Obj): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

class Collection {
  readonly objects = new Map<string, Obj>();
  readonly byNamespace = new Map<string, Map<string, Obj>>();
  readonly watchers = new Set<StoreWatcher>();
  private ring: StoreEvent[] = [];
  private head = 0;
  private size = 0;
  /** The oldest resourceVersion a watch can start after is `oldest - 1` (watch cache rule). */
  oldest: number;
  private sortedAll: Obj[] | null = null;
  private sortedNs = new Map<string, Obj[]>();

  readonly key: string;
  private capacity: number;

  constructor(key: string, capacity: number, currentRv: number) {
    this.key = key;
    this.capacity = capacity;
    this.oldest = currentRv + 1;
  }

  record(ev: StoreEvent): void {
    if (this.capacity <= 0) {
      this.oldest = ev.rv + 1;
      return;
    }
    if (this.size < this.capacity) {
      this.ring[(this.head + this.size) % this.capacity] = ev;
      this.size++;
    } else {
      this.ring[this.head] = ev;
      this.head = (this.head + 1) % this.capacity;
      this.oldest = this.ring[this.head].rv;
    }
  }

  /** Events with rv > after, or undefined when `after` fell out of the window. */
  since(after: number): StoreEvent[] | undefined {
    if (after < this.oldest - 1) return undefined;
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const ev = this.ring[(this.head + i) % this.capacity];
      if (ev.rv > after) out.push(ev);
    }
    return out;
  }

  compact(currentRv: number): void {
    this.ring = [];
    this.head = 0;
    this.size = 0;
    this.oldest = currentRv + 1;
  }

  put(o: Obj): void {
    const ns = o.metadata.namespace ?? '';
    this.objects.set(objectKey(o), o);
    let m = this.byNamespace.get(ns);
    if (!m) this.byNamespace.set(ns, (m = new Map()));
    m.set(o.metadata.name, o);
    this.invalidate(ns);
  }

  remove(o: Obj): void {
    const ns = o.metadata.namespace ?? '';
    this.objects.delete(objectKey(o));
    const m = this.byNamespace.get(ns);
    m?.delete(o.metadata.name);
    if (m && m.size === 0) this.byNamespace.delete(ns);
    this.invalidate(ns);
  }

  private invalidate(ns: string): void {
    this.sortedAll = null;
    this.sortedNs.delete(ns);
  }

  /** Objects in etcd key order (namespace/name), the order a real list returns. */
  sorted(ns: string | undefined): Obj[] {
    if (ns === undefined) {
      this.sortedAll ??= [...this.objects.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
      return this.sortedAll;
    }
    let s = this.sortedNs.get(ns);
    if (!s) {
      const m = this.byNamespace.get(ns);
      s = m ? [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]) : [];
      this.sortedNs.set(ns, s);
    }
    return s;
  }
}

interface Snapshot {
  items: Obj[];
  at: number;
}

const MAX_SNAPSHOTS = 256;

export class Store {
  rv: number;
  historySize: number;
  private collections = new Map<string, Collection>();
  private snapshots = new Map<string, Snapshot>();
  /** Continue tokens for resourceVersions below this are expired (as after an etcd compaction). */
  compactedRv = 0;

  constructor(opts: { historySize: number; initialRv?: number }) {
    this.historySize = opts.historySize;
    this.rv = opts.initialRv ?? 1;
  }

  collection(key: string): Collection {
    let c = this.collections.get(key);
    if (!c) this.collections.set(key, (c = new Collection(key, this.historySize, this.rv)));
    return c;
  }

  dropCollection(key: string): void {
    this.collections.delete(key);
  }

  get(key: string, ns: string, name: string): Obj | undefined {
    return this.collection(key).objects.get(`${ns}/${name}`);
  }

  list(key: string, ns?: string): Obj[] {
    return this.collection(key).sorted(ns);
  }

  countInNamespace(ns: string): number {
    let n = 0;
    for (const c of this.collections.values()) n += c.byNamespace.get(ns)?.size ?? 0;
    return n;
  }

  namespacedCollections(): string[] {
    return [...this.collections.keys()];
  }

  private write(key: string, type: EventType, obj: Obj, prev?: Obj): Obj {
    const rv = ++this.rv;
    const stored = canonical(obj, String(rv));
    const c = this.collection(key);
    if (type === 'DELETED') c.remove(stored);
    else c.put(stored);
    const ev: StoreEvent = { type, object: stored, prev, rv };
    c.record(ev);
    for (const w of c.watchers) w.onEvent(ev);
    return stored;
  }

  create(key: string, obj: Obj): Obj {
    return this.write(key, 'ADDED', obj);
  }

  update(key: string, obj: Obj, prev: Obj): Obj {
    return this.write(key, 'MODIFIED', obj, prev);
  }

  /** Removes `prev`; the DELETED event carries its last state at the deletion's resourceVersion. */
  delete(key: string, prev: Obj): Obj {
    return this.write(key, 'DELETED', prev, prev);
  }

  watch(key: string, w: StoreWatcher): () => void {
    const c = this.collection(key);
    c.watchers.add(w);
    return () => c.watchers.delete(w);
  }

  since(key: string, after: number): StoreEvent[] | undefined {
    return this.collection(key).since(after);
  }

  oldestWatchableRv(key: string): number {
    return this.collection(key).oldest - 1;
  }

  /** Every resourceVersion older than now becomes too old to watch from or continue a list at. */
  compact(): void {
    for (const c of this.collections.values()) c.compact(this.rv);
    this.compactedRv = this.rv;
    this.snapshots.clear();
  }

  saveSnapshot(id: string, items: Obj[]): void {
    if (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    this.snapshots.set(id, { items, at: Date.now() });
  }

  snapshot(id: string): Obj[] | undefined {
    return this.snapshots.get(id)?.items;
  }
}
