/**
 * Concurrency slots toward the API server, served live first: a webhook sender is waiting on a
 * live write, while a background write (informer catch-up, resolutions, count flushes) only
 * delays a relist. Live waiters are served in order; background waiters round-robin between
 * tenants (source instances), so one Ingester's big relist does not hold up another's.
 */
export class WriteSlots {
  private active = 0;
  private readonly live: (() => void)[] = [];
  private readonly background = new Map<string, (() => void)[]>();
  private backgroundCount = 0;

  constructor(private readonly size: number) {}

  /**
   * Resolves with a release function once a slot is free; undefined when `deadline`
   * (`performance.now()`) passes first (a live write whose sender would have given up).
   */
  async acquire(priority: 'live' | 'background', tenant = '', deadline?: number): Promise<(() => void) | undefined> {
    if (this.active >= this.size) {
      const got = await new Promise<boolean>((resolve) => {
        if (priority === 'live') {
          const grant = () => {
            clearTimeout(timer);
            resolve(true);
          };
          const timer = deadline === undefined ? undefined : setTimeout(() => {
            const i = this.live.indexOf(grant);
            if (i >= 0) this.live.splice(i, 1);
            resolve(false);
          }, Math.max(0, deadline - performance.now()));
          this.live.push(grant);
        } else {
          const resolveBg = () => resolve(true);
          const queue = this.background.get(tenant) ?? [];
          queue.push(resolveBg);
          this.background.set(tenant, queue);
          this.backgroundCount++;
        }
      });
      if (!got) return undefined;
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.live.shift() ?? this.nextBackground();
      // The slot passes straight to the next waiter; only an idle slot is given back.
      if (next) next();
      else this.active--;
    };
  }

  private nextBackground(): (() => void) | undefined {
    // A Map iterates in insertion order: take from the first tenant, then move it to the back.
    for (const [tenant, queue] of this.background) {
      const next = queue.shift()!;
      this.background.delete(tenant);
      if (queue.length > 0) this.background.set(tenant, queue);
      this.backgroundCount--;
      return next;
    }
    return undefined;
  }

  /** Writes waiting for a slot, by priority. */
  get queued(): { live: number; background: number } {
    return { live: this.live.length, background: this.backgroundCount };
  }
}
