// What a request costs on a real cluster, so benchmark ratios against the test server mean
// something. The in-memory server answers a create in well under a millisecond; a real
// kube-apiserver v1.32 with etcd 3.5 on this machine kind measured 128 creates/s for a bare
// client-node create loop at concurrency 16 and 158/s at 64. The model: every request pays a
// small fixed latency; a write also pays the apiserver's own work (admission, encoding) and
// then holds one of a few shared storage slots (etcd) for its service time, which caps write
// throughput; reads are served from the watch cache and cost little, a list a little more per
// item returned; watch events are delivered for free. Off unless asked for (unit tests stay fast).
import type { Verb } from './request-log.ts';
import { WRITE_VERBS } from './request-log.ts';

export interface CostModel {
  /** Every request, before it is handled. */
  requestMs: number;
  /** A write's own latency outside storage. */
  writeLatencyMs: number;
  /** Writes that storage serves at once. */
  writeSlots: number;
  /** How long a write holds its slot. */
  writeSlotMs: number;
  /** A get, or the base of a list. */
  readMs: number;
  /** A list, per item it returns. */
  listItemMs: number;
}

/** Calibrated with bench/kube-api-cost against the real figures above (see bench/RESULTS.md). */
export const REALISTIC_COST: CostModel = {
  requestMs: 1,
  writeLatencyMs: 62,
  writeSlots: 8,
  writeSlotMs: 50,
  readMs: 2,
  listItemMs: 0.02,
};

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** Applies a cost model: requests wait here as they would on a real server. */
export class CostGate {
  readonly model: CostModel;
  private busy = 0;
  private waiting: (() => void)[] = [];

  constructor(model: CostModel) {
    this.model = model;
  }

  /** The cost of a request of this verb before its handler runs (a list's items are added later). */
  async admit(verb: Verb | ''): Promise<void> {
    const m = this.model;
    await sleep(m.requestMs);
    if (verb === 'get' || verb === 'list') return sleep(m.readMs);
    if (!WRITE_VERBS.includes(verb as Verb)) return;
    await sleep(m.writeLatencyMs);
    await this.slot();
    try {
      await sleep(m.writeSlotMs);
    } finally {
      this.release();
    }
  }

  /** A list's cost for the items it returns. */
  listed(items: number): Promise<void> {
    return sleep(items * this.model.listItemMs);
  }

  private slot(): Promise<void> {
    if (this.busy < this.model.writeSlots) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }
}

/** `'realistic'`, explicit numbers (missing ones from the realistic model), or off. */
export function costGate(option: 'realistic' | Partial<CostModel> | undefined): CostGate | undefined {
  if (option === undefined) return undefined;
  return new CostGate(option === 'realistic' ? REALISTIC_COST : { ...REALISTIC_COST, ...option });
}
