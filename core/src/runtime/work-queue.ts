import { backoffMs } from '../kube/retry.js';

/** What reconciling a key came to: done, or try it again after a while. */
export type ReconcileResult = { requeueAfterMs?: number } | void;

export interface WorkQueueOptions {
  /** Keys reconciled at once; one key is never reconciled twice at a time. */
  workers: number;
  /** Backoff of a key whose reconcile threw: doubling from `baseMs`, capped at `capMs`. */
  baseMs?: number;
  capMs?: number;
  /** Told about a reconcile that threw (it is requeued). */
  onError?: (key: string, err: unknown, attempt: number) => void;
}

/**
 * A workqueue in the manner of client-go's: a key added while queued is queued once; a key
 * added while being reconciled is reconciled again afterwards (never concurrently); a key whose
 * reconcile threw is requeued with a per-key exponential backoff, forgotten on success. Several
 * workers, so one slow key does not hold up the others.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = 0;
  private stopped = false;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly reconcile: (key: string) => Promise<ReconcileResult>,
    private readonly opts: WorkQueueOptions,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push(key);
    this.pump();
  }

  /** Adds `key` after `ms` (a retry), unless it is added sooner. */
  addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const t = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.set(key, t);
  }

  /** Keys waiting or being reconciled. */
  get length(): number {
    return this.queue.length + this.active.size;
  }

  /** Resolves once nothing is queued or running (timers for retries may still be armed). */
  drained(): Promise<void> {
    if (this.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops taking keys and waits for the reconciles in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    this.queued.clear();
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.opts.workers && this.queue.length > 0) {
      const key = this.queue.shift()!;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.work(key);
    }
  }

  private async work(key: string): Promise<void> {
    try {
      const r = await this.reconcile(key);
      this.failures.delete(key);
      if (r && r.requeueAfterMs !== undefined) this.addAfter(key, r.requeueAfterMs);
    } catch (err) {
      const attempt = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, attempt);
      this.opts.onError?.(key, err, attempt);
      // Full jitter around a doubling delay, as client-go's per-item rate limiter.
      this.addAfter(key, Math.max(this.opts.baseMs ?? 100, backoffMs(attempt, this.opts.baseMs ?? 100, this.opts.capMs ?? 60_000)));
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
      if (this.length === 0 || (this.stopped && this.running === 0)) for (const r of this.idle.splice(0)) r();
    }
  }
}
