// The figures of one kill run, from the arrivals: per group of namespaces (the dead pod's, the
// live pods'), before and after the kill, how long findings waited for their Observation and
// the longest stretch with no Observation written; when the dead pod's namespaces resumed.
import type { Arrival } from './arrivals.ts';

export interface Window {
  findings: number;
  /** Source stored → Observation stored, ms: median and largest. */
  p50LatencyMs: number;
  maxLatencyMs: number;
  /** Longest time between consecutive Observations in one of the group's namespaces, ms. */
  maxWriteGapMs: number;
  /** When the slowest finding was created and the longest stretch began, s after the kill (negative: before). */
  maxLatencyAtS: number;
  maxWriteGapAtS: number;
}

export interface GroupFigures {
  namespaces: string[];
  before: Window;
  after: Window;
}

const quantile = (xs: number[], q: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]);

/** Findings created in [from, to) in `namespaces`, and the Observations written in that span. */
export function windowOf(arrivals: Arrival[], namespaces: readonly string[], from: number, to: number, killedAt: number): Window {
  const mine = arrivals.filter((a) => namespaces.includes(a.namespace));
  const created = mine.filter((a) => a.createdAt >= from && a.createdAt < to);
  // A finding not observed at all waits until the end of the run: counted as such, not left out.
  const latencies = created.map((a) => (a.observedAt ?? Date.now()) - a.createdAt);
  let maxGap = 0;
  let maxGapAt = NaN;
  const stretch = (start: number, end: number) => end - start > maxGap && ((maxGap = end - start), (maxGapAt = start));
  for (const ns of namespaces) {
    const times = mine.filter((a) => a.namespace === ns && a.observedAt !== undefined).map((a) => a.observedAt!).sort((a, b) => a - b);
    // The stretch running into the window counts from the last Observation before it.
    let last = times.filter((t) => t < from).at(-1) ?? from;
    for (const t of times.filter((t) => t >= from && t < to)) stretch(last, t), (last = t);
    stretch(last, Math.min(to, Date.now()));
  }
  const worst = latencies.indexOf(Math.max(...latencies));
  const rel = (t: number) => Number(((t - killedAt) / 1000).toFixed(2));
  return {
    findings: created.length,
    p50LatencyMs: Math.round(quantile(latencies, 0.5)),
    maxLatencyMs: Math.max(0, ...latencies),
    maxWriteGapMs: namespaces.length ? maxGap : NaN,
    maxLatencyAtS: worst >= 0 ? rel(created[worst].createdAt) : NaN,
    maxWriteGapAtS: rel(maxGapAt),
  };
}

export interface Resume {
  /** Kill → the first create of an Observation by a survivor in the dead pod's namespaces. */
  firstSurvivorWriteS?: number;
  /** Kill → every finding of the dead pod's namespaces created before that write has its Observation. */
  gapCaughtUpS?: number;
}

export function resumeOf(arrivals: Arrival[], creates: { time: number; user: string; namespace: string }[], dead: readonly string[], victimUser: string, killedAt: number): Resume {
  const first = creates.find((c) => c.time >= killedAt && c.user !== victimUser && dead.includes(c.namespace));
  if (!first) return {};
  const gap = arrivals.filter((a) => dead.includes(a.namespace) && a.createdAt < first.time);
  const done = gap.every((a) => a.observedAt !== undefined) ? Math.max(killedAt, ...gap.map((a) => a.observedAt!)) : undefined;
  return { firstSurvivorWriteS: (first.time - killedAt) / 1000, gapCaughtUpS: done === undefined ? undefined : (done - killedAt) / 1000 };
}
