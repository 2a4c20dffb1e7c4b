/**
 * Concurrency slots toward the API server, served live first: a webhook sender is waiting on a
 * live write, while a background write (informer catch-up, count flushes) only delays a relist.
 * Within a priority, waiters are served in order.
 */
export class WriteSlots {
  private active = 0;
  private readonly waiting = { live: [] as (() => void)[], background: [] as (() => void)[] };

  constructor(private readonly size: number) {}

  /** Resolves with a release function once a slot is free. */
  async acquire(priority: 'live' | 'background'): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.live.shift() ?? this.waiting.background.shift();
      // The slot passes straight to the next waiter; only an idle slot is given back.
      if (next) next();
      else this.active--;
    };
  }

  /** Writes waiting for a slot, by priority. */
  get queued(): { live: number; background: number } {
    return { live: this.waiting.live.length, background: this.waiting.background.length };
  }
}
