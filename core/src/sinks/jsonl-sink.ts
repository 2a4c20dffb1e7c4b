import { mkdirSync, openSync, write, fsync, close } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import { LruMap } from '../collections/lru-map.js';
import { applyChange, initialCount, isNoop, type CountChange } from '../pipeline/count-change.js';
import type { ObservationSink, PendingCount, WriteOutcome } from '../pipeline/ports.js';

// The last line written for an Observation: a string is far smaller than the object graph.
interface Known {
  line: string;
  count: number;
  firstSeenAt?: string;
  lastSeenAt: string;
}

/**
 * Local mode's sink: every write appends the Observation's current state as one JSON line, so
 * the file reads as a log of findings and their counts. It remembers the last state of up to
 * `memory` Observations to merge counts the way the API server sink does.
 */
export class JsonlSink implements ObservationSink {
  private readonly fd: number;
  private readonly known: LruMap<string, Known>;
  private pending: { line: string; resolve: () => void; reject: (err: Error) => void }[] = [];
  private writing = false;
  private scheduled = false;
  private readonly idle: (() => void)[] = [];
  private closing?: Promise<void>;

  /** `memory`: how many Observations' last state to keep for merging (the dedup cache's size is a good bound). */
  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly memory = 2_000,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.known = new LruMap(memory);
  }

  // Group commit: lines appended while a write is in flight, or during the current turn of the
  // event loop, go out in one write (a write costs tens of microseconds here, whatever its
  // size). A caller's promise resolves only once its own line has been written.
  private append(line: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    const batch = this.pending;
    if (batch.length === 0) {
      this.writing = false;
      for (const notify of this.idle.splice(0)) notify();
      return;
    }
    this.pending = [];
    this.writing = true;
    let text = '';
    for (const b of batch) text += b.line;
    const buf = Buffer.from(text);
    const writeAll = (offset: number): void => {
      write(this.fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (err) {
          this.log.error({ err, file: this.file }, 'cannot write the observations file');
          for (const b of batch) b.reject(err);
          return this.drain();
        }
        if (offset + n < buf.length) return writeAll(offset + n);
        for (const b of batch) b.resolve();
        this.drain();
      });
    };
    writeAll(0);
  }

  private key(ns: string, name: string): string {
    return `${ns}/${name}`;
  }

  private write(key: string, obs: Observation): Promise<void> {
    const line = `${JSON.stringify(obs)}\n`;
    const s = obs.status!;
    this.known.set(key, { line, count: s.count, firstSeenAt: s.firstSeenAt, lastSeenAt: s.lastSeenAt ?? obs.spec.detectedAt });
    return this.append(line);
  }

  async upsert(obs: Observation, change: CountChange): Promise<WriteOutcome> {
    if (this.closing) return { kind: 'retryAfter', seconds: 5, reason: 'shutting_down', message: 'the observations file is closed' };
    const key = this.key(obs.metadata.namespace, obs.metadata.name);
    const prev = this.known.get(key);
    if (prev && isNoop(change)) return { kind: 'merged' };
    const s = obs.status!;
    const next: Observation = prev
      ? { ...obs, status: { firstSeenAt: prev.firstSeenAt, ...applyChange(prev, change) } }
      : { ...obs, status: { ...s, count: initialCount(change), lastSeenAt: change.lastSeenAt } };
    try {
      await this.write(key, next);
    } catch (err) {
      return { kind: 'retryAfter', seconds: 5, reason: 'unavailable', message: `cannot write ${this.file}: ${(err as Error).message}` };
    }
    // One line per write is local mode's view of what it records (the README's tour shows it);
    // flat fields keep it cheap, since this runs once per request.
    if (this.log.isLevelEnabled('info')) {
      this.log.info({ observation: key, source: next.spec.source, severity: next.spec.severity, count: next.status?.count }, prev ? 'observation merged' : `observation: ${next.spec.title}`);
    }
    return { kind: prev ? 'merged' : 'created' };
  }

  async addCounts(counts: readonly PendingCount[]): Promise<PendingCount[]> {
    const failed: PendingCount[] = [];
    for (const c of counts) {
      const key = this.key(c.namespace, c.name);
      const prev = this.known.peek(key);
      try {
        if (!prev) {
          // Forgotten (beyond `memory`): written as a line carrying only the name and the change.
          await this.append(`${JSON.stringify({ apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Observation', metadata: { name: c.name, namespace: c.namespace }, status: { countIncrement: c.change.add, ...(c.change.atLeast === undefined ? {} : { countAtLeast: c.change.atLeast }), lastSeenAt: c.change.lastSeenAt } })}\n`);
          continue;
        }
        const obs = JSON.parse(prev.line) as Observation;
        await this.write(key, { ...obs, status: { ...obs.status!, ...applyChange(prev, c.change) } });
      } catch {
        failed.push(c);
      }
    }
    return failed;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.writing || this.scheduled || this.pending.length > 0) await new Promise<void>((r) => this.idle.push(r));
      await new Promise<void>((resolve) => fsync(this.fd, () => close(this.fd, () => resolve())));
    })();
    return this.closing;
  }
}
