/** A number of places: `take` waits for a free one, `give` hands it to the next waiter. */
export class Places {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {}

  get size(): number {
    return this.held;
  }

  async take(): Promise<void> {
    while (this.held >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held++;
  }

  give(): void {
    this.held--;
    this.waiting.shift()?.();
  }
}

/**
 * Runs tasks concurrently, at most `limit` at a time, in order per key: a task for a key runs
 * only after the previous task for that key has finished, while other keys go on. `submit`
 * resolves once the task is admitted (so a caller that awaits it holds at most `limit` tasks,
 * and what they carry, in memory) and hands back the task's completion. A task submitted in a
 * `lane` also needs one of the lane's places, so a lane's tasks leave the others room.
 */
export class KeyedExecutor {
  private readonly places: Places;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly idle: (() => void)[] = [];

  constructor(limit: number) {
    this.places = new Places(limit);
  }

  /** Tasks admitted and not finished. */
  get size(): number {
    return this.places.size;
  }

  /** A share of at most `limit` of this executor's places (at least one). */
  lane(limit: number): Places {
    return new Places(Math.max(1, Math.min(limit, this.places.limit)));
  }

  /** Waits for a free place (in `lane` too, if given), then queues `task` behind the key's previous one. */
  async submit(key: string, task: () => Promise<void>, lane?: Places): Promise<{ done: Promise<void> }> {
    await lane?.take();
    await this.places.take();
    const previous = this.tails.get(key) ?? Promise.resolve();
    const done = previous.then(task).finally(() => {
      if (this.tails.get(key) === done) this.tails.delete(key);
      this.places.give();
      lane?.give();
      if (this.places.size === 0) for (const r of this.idle.splice(0)) r();
    });
    this.tails.set(key, done.catch(() => undefined));
    return { done };
  }

  /** Resolves once every admitted task has finished. */
  drained(): Promise<void> {
    return this.places.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
