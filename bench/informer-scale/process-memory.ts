// Samplers of a child process's memory over a run: its resident set (from /proc, see
// bench/process-stats.ts) and its V8 heap (from its metrics).
import { memoryOf, type Memory } from '../process-stats.ts';

/** Samples `pid` every `everyMs` and keeps the highest resident set seen (VmHWM covers it too). */
export class MemorySampler {
  private timer?: NodeJS.Timeout;
  highestRssMiB = 0;
  last?: Memory;

  private readonly pid: number;
  private readonly everyMs: number;

  constructor(pid: number, everyMs = 250) {
    this.pid = pid;
    this.everyMs = everyMs;
  }

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
    return this;
  }

  sample(): Memory | undefined {
    const m = memoryOf(this.pid);
    if (m) {
      this.last = m;
      this.highestRssMiB = Math.max(this.highestRssMiB, m.rssMiB);
    }
    return m;
  }

  stop(): Memory | undefined {
    clearInterval(this.timer);
    return this.sample() ?? this.last;
  }
}

/** V8's heap as the process itself reports it on /metrics (prom-client's default metrics). */
export class HeapSampler {
  private timer?: NodeJS.Timeout;
  /** Highest `nodejs_heap_size_used_bytes` seen, MiB: what the process holds, garbage included. */
  highestUsedMiB = 0;
  /** Highest `nodejs_heap_size_total_bytes` seen, MiB: what V8 reserved for it. */
  highestTotalMiB = 0;
  private readonly metric: (name: string) => Promise<number>;

  constructor(metric: (name: string) => Promise<number>) {
    this.metric = metric;
  }

  start(everyMs = 1000): this {
    this.timer = setInterval(() => void this.sample(), everyMs);
    this.timer.unref();
    return this;
  }

  async sample(): Promise<void> {
    const [used, total] = await Promise.all([this.metric('nodejs_heap_size_used_bytes'), this.metric('nodejs_heap_size_total_bytes')]).catch(() => [0, 0]);
    this.highestUsedMiB = Math.max(this.highestUsedMiB, used / 2 ** 20);
    this.highestTotalMiB = Math.max(this.highestTotalMiB, total / 2 ** 20);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
