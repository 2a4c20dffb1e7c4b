/**
 * Runs tasks concurrently, at most `limit` at a time, in order per key: a task for a key runs
 * only after the previous task for that key has finished, while other keys go on. `submit`
 * resolves once the task is admitted (so a caller that awaits it holds at most `limit` tasks,
 * and what they carry, in memory) and hands back the task's completion.
 */
export class KeyedExecutor {
  private held = 0;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly admit: (() => void)[] = [];
  private readonly idle: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Tasks admitted and not finished. */
  get size(): number {
    return this.held;
  }

  /** Waits for a free place, then queues `task` behind the key's previous one. */
  async submit(key: string, task: () => Promise<void>): Promise<{ done: Promise<void> }> {
    while (this.held >= this.limit) await new Promise<void>((resolve) => this.admit.push(resolve));
    this.held++;
    const previous = this.tails.get(key) ?? Promise.resolve();
    const done = previous.then(task).finally(() => {
      if (this.tails.get(key) === done) this.tails.delete(key);
      this.held--;
      this.admit.shift()?.();
      if (this.held === 0) for (const r of this.idle.splice(0)) r();
    });
    this.tails.set(key, done.catch(() => undefined));
    return { done };
  }

  /** Resolves once every admitted task has finished. */
  drained(): Promise<void> {
    return this.held === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }
}
