// One watch connection: newline-delimited JSON events over a chunked 200 response, as the
// apiserver's watch cache serves them — synthetic ADDED for a watch without resourceVersion,
// replay from history, 410 Expired / 504 Too large as an ERROR event, DELETED/ADDED when an
// object leaves/enters the selection, periodic BOOKMARKs, and server-side timeout.
import type { ServerResponse } from 'node:http';
import type { ResourceType } from './resource-types.ts';
import { apiVersionOf } from './resource-types.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';
import { matchesFields, matchesLabels } from './selectors.ts';
import type { ApiError } from './status.ts';
import { expired } from './status.ts';
import type { Obj, Store, StoreEvent } from './store.ts';
import { encodeJson } from './encode.ts';

export interface WatchClient {
  user: string;
  token: string;
}

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  /** undefined / '' / '0' start with synthetic ADDED events; a number resumes after it. */
  resourceVersion?: number;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutMs: number;
  client: WatchClient;
}

export interface WatchSettings {
  bookmarkIntervalMs: number;
}

/** Slow consumers are cut off, like the watch cache's "unresponsive watcher" close. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export class WatchStream {
  readonly req: WatchRequest;
  private res: ServerResponse;
  private store: Store;
  private settings: WatchSettings;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private frozen = false;
  private held: string[] = [];
  private closed = false;
  private onClose: (w: WatchStream) => void;

  constructor(res: ServerResponse, store: Store, req: WatchRequest, settings: WatchSettings, onClose: (w: WatchStream) => void) {
    this.res = res;
    this.store = store;
    this.req = req;
    this.settings = settings;
    this.onClose = onClose;
  }

  start(): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    this.res.flushHeaders();
    this.res.on('close', () => this.cleanup());
    this.timers.push(setTimeout(() => this.end(), this.req.timeoutMs));
    this.begin();
  }

  private begin(): void {
    const { type, resourceVersion } = this.req;
    if (resourceVersion === undefined || resourceVersion === 0) {
      for (const o of this.store.list(type.storageKey, type.namespaced ? this.req.namespace : undefined)) {
        if (this.matches(o)) this.emit('ADDED', o);
      }
      if (this.req.sendInitialEvents) this.bookmark(true);
    } else {
      const events = this.store.since(type.storageKey, resourceVersion);
      if (!events) {
        return this.fail(expired(`too old resource version: ${resourceVersion} (${this.store.oldestWatchableRv(type.storageKey)})`));
      }
      for (const ev of events) this.onEvent(ev);
    }
    this.unsubscribe = this.store.watch(type.storageKey, this);
    if (this.req.allowBookmarks) {
      this.timers.push(setInterval(() => this.bookmark(false), this.settings.bookmarkIntervalMs));
      // The watch cache also sends one 2 s before the watch's deadline, so a client can resume
      // from a fresh resourceVersion after the timeout.
      if (this.req.timeoutMs > 2000) this.timers.push(setTimeout(() => this.bookmark(false), this.req.timeoutMs - 2000));
    }
  }

  private matches(o: Obj): boolean {
    const t = this.req.type;
    if (t.namespaced && this.req.namespace !== undefined && (o.metadata.namespace ?? '') !== this.req.namespace) return false;
    if (this.req.labelSelector.length && !matchesLabels(this.req.labelSelector, o.metadata.labels)) return false;
    if (this.req.fieldSelector.length && !matchesFields(this.req.fieldSelector, t.fieldLabels(o))) return false;
    return true;
  }

  onEvent(ev: StoreEvent): void {
    // A watch from a resourceVersion the server has not reached yet waits for it silently (the
    // watch cache's watcher skips what is not newer); lists answer 504 instead.
    if (this.req.resourceVersion !== undefined && ev.rv <= this.req.resourceVersion) return;
    const cur = ev.type !== 'DELETED' && this.matches(ev.object);
    const old = ev.prev !== undefined && this.matches(ev.prev);
    if (cur && !old) this.emit('ADDED', ev.object);
    else if (cur && old) this.emit('MODIFIED', ev.object);
    else if (!cur && old) {
      // Leaving the selection (or being deleted) is a DELETED carrying the last state that
      // matched, stamped with this event's resourceVersion — the cacher does the same.
      const obj = ev.type === 'DELETED' ? ev.object : { ...ev.prev!, metadata: { ...ev.prev!.metadata, resourceVersion: String(ev.rv) } };
      this.emit('DELETED', obj);
    }
  }

  private emit(type: string, obj: Obj): void {
    this.write(`{"type":"${type}","object":${encodeJson(this.req.type, obj)}}\n`);
  }

  private bookmark(initialEventsEnd: boolean): void {
    if (this.frozen || this.closed) return;
    if (!initialEventsEnd && this.req.resourceVersion !== undefined && this.store.rv <= this.req.resourceVersion) return;
    const t = this.req.type;
    const metadata: Obj = { resourceVersion: String(this.store.rv) };
    if (!t.custom) metadata.creationTimestamp = null;
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    this.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: t.kind, apiVersion: apiVersionOf(t), metadata } })}\n`);
  }

  private write(line: string): void {
    if (this.closed) return;
    if (this.frozen) {
      this.held.push(line);
      return;
    }
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.destroy();
      return;
    }
    this.res.write(line);
  }

  private fail(err: ApiError): void {
    this.write(`${JSON.stringify({ type: 'ERROR', object: err.status })}\n`);
    this.end();
  }

  /** Stop sending anything while keeping the connection open (a stalled watch). */
  freeze(): void {
    this.frozen = true;
  }

  unfreeze(): void {
    if (!this.frozen) return;
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const line of held) this.write(line);
  }

  isFrozen(): boolean {
    return this.frozen;
  }

  /** Graceful end of the stream, as when the server-side watch timeout expires. */
  end(): void {
    if (this.closed) return;
    this.cleanup();
    this.res.end();
  }

  /** Abrupt close: the connection is reset. */
  destroy(): void {
    if (this.closed) return;
    this.cleanup();
    this.res.destroy();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.onClose(this);
  }
}
