import type { Logger } from 'pino';

/**
 * A part of the host with a lifecycle, in the manner of controller-runtime's runnables: it says
 * whether it runs on every pod or only while this pod leads, and the manager starts and stops
 * it accordingly. Nothing starts work in a constructor; `start` does.
 */
export interface Runnable {
  readonly name: string;
  /** `always`: on every pod, from start to shutdown; `leader`: only while this pod leads. */
  readonly runs: 'always' | 'leader';
  /** Starts the work (resolves once it runs, not when it ends); `signal` aborts when it must stop. */
  start(signal: AbortSignal): Promise<void>;
  /** Stops the work and waits for it. Must not throw. */
  stop(): Promise<void>;
  /** What it still waits for before this pod can serve; empty when ready. */
  waitingFor?(): string[];
  /** True for the runnable that applies the sources (Ingesters): until it is ready, any path may still appear. */
  readonly loadsSources?: boolean;
}

/**
 * Starts runnables in the order they were added and stops them in reverse. A start that fails
 * stops what already started and rethrows, so a half-started host never keeps running (nor
 * leading). Leader runnables start on `startLeading` and stop on `stopLeading`.
 */
export class Manager {
  private readonly runnables: Runnable[] = [];
  private readonly started = new Map<Runnable, AbortController>();

  constructor(private readonly log: Logger) {}

  add(...runnables: Runnable[]): this {
    this.runnables.push(...runnables);
    return this;
  }

  /** Starts the runnables that run on every pod. */
  start(): Promise<void> {
    return this.startAll('always');
  }

  /** This pod leads: starts the leader runnables; `signal` aborts when leadership ends. */
  startLeading(signal: AbortSignal): Promise<void> {
    return this.startAll('leader', signal);
  }

  /** Leadership ended: stops the leader runnables, last started first. */
  stopLeading(): Promise<void> {
    return this.stopAll('leader');
  }

  /** Stops everything, leader runnables first. */
  async stop(): Promise<void> {
    await this.stopAll('leader');
    await this.stopAll('always');
  }

  /** What the started runnables still wait for (only those that load sources, with `sourcesOnly`). */
  waitingFor(options: { sourcesOnly?: boolean } = {}): string[] {
    return [...this.started.keys()].filter((r) => !options.sourcesOnly || r.loadsSources).flatMap((r) => r.waitingFor?.() ?? []);
  }

  private async startAll(runs: Runnable['runs'], parent?: AbortSignal): Promise<void> {
    for (const r of this.runnables) {
      if (r.runs !== runs || this.started.has(r)) continue;
      const abort = new AbortController();
      if (parent) parent.addEventListener('abort', () => abort.abort(), { once: true });
      this.started.set(r, abort);
      try {
        await r.start(abort.signal);
      } catch (err) {
        this.started.delete(r);
        abort.abort();
        this.log.error({ err, component: r.name }, 'component failed to start; stopping what started');
        await this.stopAll(runs);
        throw Object.assign(new Error(`${r.name} failed to start: ${(err as Error).message}`, { cause: err }), { code: (err as { code?: unknown }).code });
      }
    }
  }

  private async stopAll(runs: Runnable['runs']): Promise<void> {
    for (const r of [...this.started.keys()].reverse()) {
      if (r.runs !== runs) continue;
      this.started.get(r)!.abort();
      this.started.delete(r);
      await r.stop().catch((err: unknown) => this.log.warn({ err, component: r.name }, 'component stop failed'));
    }
  }
}
