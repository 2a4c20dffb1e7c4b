import { mkdirSync, openSync, write, fsync, close } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { PendingCount } from '../pipeline/dedup-cache.js';
import type { MergeMode, ObservationSink } from './observation-sink.js';
import { LruMap } from '../pipeline/lru-map.js';

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
  private pending: { line: string; done: (err: Error | null) => void }[] = [];
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
      this.pending.push({ line, done: (err) => (err ? reject(err) : resolve()) });
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
    const buf = Buffer.from(batch.length === 1 ? batch[0].line : batch.map((b) => b.line).join(''));
    const writeAll = (offset: number): void => {
      write(this.fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (err) {
          this.log.error({ err, file: this.file }, 'cannot write the observations file');
          for (const b of batch) b.done(err);
          return this.drain();
        }
        if (offset + n < buf.length) return writeAll(offset + n);
        for (const b of batch) b.done(null);
        this.drain();
      });
    };
    writeAll(0);
  }

  private key(ns: string, name: string): string {
    return `${ns}/${name}`;
  }

  private async write(obs: Observation): Promise<void> {
    const line = `${JSON.stringify(obs)}\n`;
    const s = obs.status!;
    this.known.set(this.key(obs.metadata.namespace, obs.metadata.name), { line, count: s.count, firstSeenAt: s.firstSeenAt, lastSeenAt: s.lastSeenAt });
    await this.append(line);
  }

  async upsert(obs: Observation, mode: MergeMode): Promise<'created' | 'merged'> {
    const prev = this.known.get(this.key(obs.metadata.namespace, obs.metadata.name));
    if (prev && mode === 'ensure') return 'merged';
    let next = obs;
    if (prev) {
      const count = mode === 'atLeast' ? Math.max(prev.count, obs.status!.count) : prev.count + obs.status!.count;
      next = { ...obs, status: { count, firstSeenAt: prev.firstSeenAt, lastSeenAt: maxTime(prev.lastSeenAt, obs.status!.lastSeenAt) } };
    }
    await this.write(next);
    if (this.log.isLevelEnabled('info')) {
      this.log.info(
        { observation: { namespace: next.metadata.namespace, name: next.metadata.name }, source: next.spec.source, severity: next.spec.severity, count: next.status?.count },
        prev ? 'observation merged' : `observation: ${next.spec.title}`,
      );
    }
    return prev ? 'merged' : 'created';
  }

  async addCounts(counts: PendingCount[]): Promise<PendingCount[]> {
    const failed: PendingCount[] = [];
    for (const c of counts) {
      const prev = this.known.peek(this.key(c.namespace, c.name));
      try {
        if (!prev) {
          // Forgotten (beyond `memory`): written as a line carrying only the name and the increment.
          await this.append(`${JSON.stringify({ apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Observation', metadata: { name: c.name, namespace: c.namespace }, status: { countIncrement: c.pending, lastSeenAt: c.lastSeenAt } })}\n`);
          continue;
        }
        const obs = JSON.parse(prev.line) as Observation;
        const count = c.atLeast !== undefined ? Math.max(prev.count, c.atLeast) : prev.count + c.pending;
        await this.write({ ...obs, status: { ...obs.status!, count, lastSeenAt: maxTime(prev.lastSeenAt, c.lastSeenAt) } });
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

function maxTime(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
