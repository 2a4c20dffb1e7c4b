import type { Logger } from 'pino';

export interface ApiAvailabilityOptions {
  /** One cheap request to the API server; resolves if it answered. */
  probe: () => Promise<void>;
  log: Logger;
  /** Told when the state changes (the metrics). */
  onChange?: (up: boolean) => void;
  /** Consecutive failures that mark the API server unreachable. */
  failureThreshold?: number;
  probeIntervalMs?: number;
}

/**
 * Whether the API server is reachable, as one shared answer instead of each request spending
 * its own retries to find out (a circuit breaker). Requests report how they went; after a few
 * consecutive failures that mean "not there" (connection refused or reset, timeouts, 502/503/504)
 * the API server counts as down: live writes are answered at once (503 with Retry-After),
 * background work waits, and one probe request a second finds out when it is back, at which
 * point every waiter resumes immediately — no retry sleeping out a long backoff.
 */
export class ApiAvailability {
  private failures = 0;
  private downSince?: number;
  private probing?: Promise<void>;
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly opts: ApiAvailabilityOptions) {}

  get up(): boolean {
    return this.downSince === undefined;
  }

  /** Seconds a sender should wait before trying again while the API server is down. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.opts.probeIntervalMs ?? 1000) / 1000) * 2);
  }

  /** Why this pod cannot write right now, for `/readyz`; undefined when it can. */
  problem(): string | undefined {
    if (this.downSince === undefined) return undefined;
    return `the Kubernetes API server has been unreachable for ${Math.round((Date.now() - this.downSince) / 1000)}s: webhook requests are answered 503 with Retry-After`;
  }

  /** A request got an answer from the API server (any HTTP status but 502/503/504). */
  succeeded(): void {
    this.failures = 0;
    if (this.downSince !== undefined) this.markUp();
  }

  /** A request found no API server (network error, timeout, 502/503/504). */
  failed(err: unknown): void {
    if (this.stopped) return;
    this.failures++;
    if (this.downSince === undefined && this.failures >= (this.opts.failureThreshold ?? 3)) {
      this.downSince = Date.now();
      this.opts.log.error({ err }, 'the Kubernetes API server is unreachable; answering webhooks 503 until it is back');
      this.opts.onChange?.(false);
      this.probing ??= this.probeUntilUp().finally(() => (this.probing = undefined));
    }
  }

  /** Resolves when the API server is up (at once if it is), or when `signal` aborts. */
  whenUp(signal?: AbortSignal): Promise<void> {
    if (this.up || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Sleeps `ms`, but wakes as soon as the API server comes back (or `signal` aborts). */
  pause(ms: number, signal?: AbortSignal): Promise<void> {
    const wasUp = this.up;
    return new Promise((resolve) => {
      const t = setTimeout(finish, ms);
      const back = wasUp ? undefined : this.whenUp(signal).then(finish);
      void back;
      function finish() {
        clearTimeout(t);
        resolve();
      }
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  stop(): void {
    this.stopped = true;
    this.markUp();
  }

  private markUp(): void {
    const since = this.downSince;
    this.downSince = undefined;
    this.failures = 0;
    if (since !== undefined && !this.stopped) {
      this.opts.log.info({ downSeconds: Math.round((Date.now() - since) / 1000) }, 'the Kubernetes API server is reachable again');
      this.opts.onChange?.(true);
    }
    for (const w of this.waiters.splice(0)) w();
  }

  private async probeUntilUp(): Promise<void> {
    while (this.downSince !== undefined && !this.stopped) {
      await new Promise((r) => setTimeout(r, this.opts.probeIntervalMs ?? 1000).unref());
      try {
        await this.opts.probe();
        this.markUp();
      } catch {
        // still down
      }
    }
  }
}

/** Whether an HTTP status means the API server (or what fronts it) is not there to answer. */
export function meansUnreachable(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}
