// One run of the partitioned benchmark: three real zen-watcher processes (INFORMERS_MODE
// partitioned, the host's default lease timing) against the test API server with the realistic
// cost model, a trivy Ingester (a state source) and a k8s-events Ingester (an event stream), a
// steady stream of new findings in each of the 10 namespaces; then one replica is SIGKILLed
// (a follower, or the Lease holder) while the stream goes on, and an Event is created and deleted
// in one of its namespaces during the gap.
import { loadavg } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../../test/harness/wait-for.ts';
import type { ZenWatcherProcess } from '../../test/harness/zen-watcher-process.ts';
import { BenchCluster, ELECTION_ID, PARTITIONS, REPORT_NAMESPACES, ZEN_NAMESPACE } from '../informer-scale/bench-cluster.ts';
import { Arrivals } from './arrivals.ts';
import { FindingStream, warningEvent } from './finding-stream.ts';
import { resumeOf, windowOf, type GroupFigures, type Resume } from './gap-figures.ts';
import { balanced, leaseDurationOf, partitionHolders, partitionOf } from './partition-holders.ts';
import { finalCheck, type FinalCheck } from './final-check.ts';

export type Victim = 'follower' | 'leader';

export interface KillRunOptions {
  victim: Victim;
  replicas: number;
  everyMs: number;
  beforeSeconds: number;
  afterSeconds: number;
}

export interface KillFigures {
  victim: Victim;
  victimName: string;
  victimPartitions: number;
  /** As the partition Leases say (the host's default, not overridden here). */
  leaseDurationSeconds: number;
  dead: GroupFigures;
  live: GroupFigures;
  resume: Resume;
  /** Creates of Observations the survivors sent during the live namespaces' longest stretch after the kill. */
  liveStretchCreates: { inDead: number; inLive: number };
  final: FinalCheck;
  streamErrors: string[];
  /** The survivors' partition handoffs and catch-ups after the kill, s from the kill. */
  handoffs: string[];
  loadAverage: { start: number[]; end: number[] };
}

const note = (msg: string) => process.stderr.write(`[partitioned] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round2 = (xs: number[]) => xs.map((x) => Number(x.toFixed(2)));

export async function killRun(opts: KillRunOptions): Promise<KillFigures> {
  const start = loadavg();
  const partitions = PARTITIONS;
  let leaseMs = 0; // read from the partition Leases once the replicas run
  const c = await BenchCluster.start({ scheme: 'https' });
  const arrivals = new Arrivals(c.api, REPORT_NAMESPACES);
  const stream = new FindingStream(c.kc, REPORT_NAMESPACES);
  try {
    await c.startReplicas(opts.replicas, { INFORMERS_MODE: 'partitioned' });
    const names = c.processes.map((p) => p.name);
    leaseMs = 1000 * (await waitFor('a partition Lease', () => leaseDurationOf(c.api, ZEN_NAMESPACE, ELECTION_ID), { timeoutMs: 30_000, intervalMs: 200 }));
    await waitFor('every partition held, shares within one', () => balanced(partitionHolders(c.api, ZEN_NAMESPACE, ELECTION_ID, leaseMs), names, partitions) || undefined, { timeoutMs: 90_000, intervalMs: 200 });
    await c.applyIngester({ source: 'trivy', config: { reports: ['vulnerability'] } }, 'trivy');
    await c.applyIngester({ source: 'k8s-events' }, 'events');

    // Warm-up: the stream's first findings all written, so both sources run on every pod.
    stream.start(opts.everyMs);
    await waitFor('the first findings of the stream', () => arrivals.byKey.size >= 2 * REPORT_NAMESPACES.length && [...arrivals.byKey.values()].slice(0, 2 * REPORT_NAMESPACES.length).every((a) => a.observedAt) || undefined, { timeoutMs: 90_000, intervalMs: 100 });
    const warmAt = Date.now();
    note(`stream running (${2 * REPORT_NAMESPACES.length} findings every ${opts.everyMs} ms); steady for ${opts.beforeSeconds} s`);
    await sleep(opts.beforeSeconds * 1000);

    const holders = partitionHolders(c.api, ZEN_NAMESPACE, ELECTION_ID, leaseMs);
    const leader = await c.leader();
    const nsOf = (p: ZenWatcherProcess) => REPORT_NAMESPACES.filter((ns) => holders.get(partitionOf(ns, partitions)) === p.name);
    const candidates = opts.victim === 'leader' ? [leader] : c.processes.filter((p) => p !== leader);
    const victim = candidates.sort((a, b) => nsOf(b).length - nsOf(a).length)[0];
    const dead = nsOf(victim);
    const live = REPORT_NAMESPACES.filter((ns) => !dead.includes(ns));
    const victimPartitions = [...holders.values()].filter((h) => h === victim.name).length;
    note(`SIGKILL ${victim.name} (${opts.victim}, ${victimPartitions} partitions; namespaces ${dead.join(', ') || 'none'})`);
    const killedAt = Date.now();
    arrivals.armAt = killedAt;
    await victim.stop('SIGKILL');

    // An Event that exists only while nobody owns its namespace.
    await sleep(1000);
    const gapNs = dead[0];
    if (gapNs) {
      const core = c.kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespacedEvent({ namespace: gapNs, body: warningEvent(gapNs, 'gap-event', 'gap-pod') });
      await core.deleteNamespacedEvent({ namespace: gapNs, name: 'gap-event' });
    }
    await sleep(opts.afterSeconds * 1000 - 1000);
    const streamEnd = Date.now();
    await stream.stop();
    note(`stream stopped (${stream.created} source objects, ${stream.errors.length} failed creates); waiting for the last Observations`);
    const survivors = c.processes.filter((p) => p.running);
    await waitFor('every finding observed', () => [...arrivals.byKey.values()].every((a) => a.observedAt) || undefined, { timeoutMs: 60_000, intervalMs: 200 }).catch(() => note('not every finding was observed within 60 s'));
    await Promise.all(survivors.map((p) => waitFor('the write queue to drain', async () => (await p.metric('zen_watcher_write_queue_depth')) === 0, { timeoutMs: 60_000, intervalMs: 200 })));
    await sleep(2000); // a late duplicate or count would show up by now

    const all = [...arrivals.byKey.values()];
    // A finding created in the last second before the kill was not due yet: it counts after.
    const split = killedAt - 1000;
    const group = (namespaces: string[]): GroupFigures => ({ namespaces, before: windowOf(all, namespaces, warmAt, split, killedAt), after: windowOf(all, namespaces, split, streamEnd, killedAt) });
    const liveFigures = group(live);
    // What the survivors wrote while the live namespaces waited longest.
    const stretchFrom = killedAt + liveFigures.after.maxWriteGapAtS * 1000;
    const inStretch = arrivals.creates.filter((x) => x.time >= stretchFrom && x.time < stretchFrom + liveFigures.after.maxWriteGapMs);
    return {
      victim: opts.victim,
      victimName: victim.name,
      victimPartitions,
      leaseDurationSeconds: leaseMs / 1000,
      dead: group(dead),
      live: liveFigures,
      liveStretchCreates: { inDead: inStretch.filter((x) => dead.includes(x.namespace)).length, inLive: inStretch.filter((x) => live.includes(x.namespace)).length },
      resume: resumeOf(all, arrivals.creates, dead, c.userOf(victim.name), killedAt),
      final: finalCheck(c.api, arrivals, REPORT_NAMESPACES, gapNs),
      streamErrors: stream.errors,
      handoffs: survivors.flatMap((p) =>
        p.logs
          .map((l): Record<string, unknown> & { at: number } => ({ ...l, at: Date.parse(String(l.time)) }))
          .filter((l) => l.at >= killedAt && /^partitions |caught up|lost/.test(String(l.msg)))
          .map((l) => `${((l.at - killedAt) / 1000).toFixed(2)} ${p.name}: ${String(l.msg)}${Array.isArray(l.partitions) ? ` ${l.partitions.length}` : ''}${l.instance ? ` (${String(l.instance)})` : ''}`),
      ).sort((a, b) => parseFloat(a) - parseFloat(b)),
      loadAverage: { start: round2(start), end: round2(loadavg()) },
    };
  } finally {
    await stream.stop();
    arrivals.stop();
    await c.stop();
  }
}
