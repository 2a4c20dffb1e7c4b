import { mkdirSync, openSync, write, fsync, close } from 'node:fs';
import { dirname } from 'node:path';
import type { Observation } from '@zen-watcher/sdk';
import type { Logger } from 'pino';
import type { PendingCount } from '../pipeline/dedup-cache.js';
import type { MergeMode, ObservationSink } from './observation-sink.js';

interface Known {
  obs: Observation;
}

/**
 * Local mode's sink: every write appends the Observation's current state as one JSON line, so
 * the file reads as a log of findings and their counts. It remembers the last state of up to
 * `memory` Observations to merge counts the way the API server sink does.
 */
export class JsonlSink implements ObservationSink {
  private readonly fd: number;
  private readonly known = new Map<string, Known>();
  private pending: { line: string; done: (err: Error | null) => void }[] = [];
  private writing = false;
  private inflight = 0;
  private closing?: Promise<void>;

  /** `memory`: how many Observations' last state to keep for merging (the dedup cache's size is a good bound). */
  constructor(
    readonly file: string,
    private readonly log: Logger,
    private readonly memory = 10_000,
  ) {
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
  }

  get depth(): number {
    return this.inflight;
  }

  // Lines are gathered while a write is in flight and written together: one syscall for many
  // events under load, and each caller still learns when its own line is on disk.
  private append(obs: Observation): Promise<void> {
    this.inflight++;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ line: `${JSON.stringify(obs)}\n`, done: (err) => (this.inflight--, err ? reject(err) : resolve()) });
      if (!this.writing) this.drain();
    });
  }

  private drain(): void {
    const batch = this.pending;
    if (batch.length === 0) {
      this.writing = false;
      return;
    }
    this.pending = [];
    this.writing = true;
    const buf = Buffer.from(batch.map((b) => b.line).join(''));
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

  private remember(obs: Observation): void {
    const k = this.key(obs.metadata.namespace, obs.metadata.name);
    this.known.delete(k);
    this.known.set(k, { obs });
    if (this.known.size > this.memory) this.known.delete(this.known.keys().next().value as string);
  }

  async upsert(obs: Observation, mode: MergeMode): Promise<'created' | 'merged'> {
    const prev = this.known.get(this.key(obs.metadata.namespace, obs.metadata.name))?.obs;
    let result: 'created' | 'merged' = 'created';
    let next = obs;
    if (prev?.status && mode === 'ensure') return 'merged';
    if (prev?.status) {
      result = 'merged';
      const count = mode === 'atLeast' ? Math.max(prev.status.count, obs.status!.count) : prev.status.count + obs.status!.count;
      next = { ...obs, status: { count, firstSeenAt: prev.status.firstSeenAt, lastSeenAt: maxTime(prev.status.lastSeenAt, obs.status!.lastSeenAt) } };
    }
    this.remember(next);
    await this.append(next);
    this.log.info(
      { observation: { namespace: next.metadata.namespace, name: next.metadata.name }, source: next.spec.source, severity: next.spec.severity, count: next.status?.count },
      result === 'created' ? `observation: ${next.spec.title}` : 'observation merged',
    );
    return result;
  }

  async addCounts(counts: PendingCount[]): Promise<PendingCount[]> {
    const failed: PendingCount[] = [];
    for (const c of counts) {
      const prev = this.known.get(this.key(c.namespace, c.name))?.obs;
      if (!prev?.status) {
        // Forgotten (beyond `memory`): the count cannot be applied to a state we no longer have,
        // so it is written as its own line carrying only the increment.
        await this.append({ apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Observation', metadata: { name: c.name, namespace: c.namespace }, status: { count: c.pending, lastSeenAt: c.lastSeenAt } } as Observation);
        continue;
      }
      let count = prev.status.count + c.pending;
      if (c.atLeast !== undefined) count = Math.max(prev.status.count, c.atLeast);
      const next = { ...prev, status: { ...prev.status, count, lastSeenAt: maxTime(prev.status.lastSeenAt, c.lastSeenAt) } };
      this.remember(next);
      try {
        await this.append(next);
      } catch {
        failed.push(c);
      }
    }
    return failed;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.writing || this.pending.length > 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise<void>((resolve) => fsync(this.fd, () => close(this.fd, () => resolve())));
    })();
    return this.closing;
  }
}

function maxTime(a: string, b: string): string {
  return Date.parse(b) > Date.parse(a) ? b : a;
}
