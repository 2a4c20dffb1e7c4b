// One run of the benchmark for N reports on R replicas: their full sync (time, Observations/s,
// requests per new finding, each one's peak RSS), the survivors' catch-up after the Lease holder
// is SIGKILLed (R ≥ 2), and the bare client-node create loop against the same server before and after.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as k8s from '@kubernetes/client-node';
import { GiveUp, waitFor } from '../../test/harness/wait-for.ts';
import type { ZenWatcherProcess } from '../../test/harness/zen-watcher-process.ts';
import { FINDINGS_AT_MEDIUM } from '../../test/cluster/trivy-reports.ts';
import { BenchCluster, PARTITIONS } from './bench-cluster.ts';
import { cpuSecondsOf } from '../process-stats.ts';
import { HeapSampler, MemorySampler } from './process-memory.ts';
import { takeOver } from './takeover.ts';

export type InformersMode = 'partitioned' | 'leader';

/** One replica's memory during the sync. */
export interface ReplicaMemory {
  name: string;
  idleRssMiB: number;
  peakRssMiB: number;
  afterSyncRssMiB: number;
  peakHeapUsedMiB: number;
}

export interface ScaleFigures {
  reports: number;
  findings: number;
  mode: InformersMode;
  replicaCount: number;
  loadAverage: { start: number[]; end: number[] };
  /** Requests and writes are of every replica, CPU the sum of theirs. */
  sync: { seconds: number; perSecond: number; requestsPerFinding: number; writesPerFinding: number; conflicts: number; countsNotOne: number; requests: Record<string, number>; cpuSeconds: number; cores: number };
  replicas: ReplicaMemory[];
  /** The Lease holder SIGKILLed after the sync: the survivors' work until they have all of it again (none with one replica). */
  takeover?: { toOwnSeconds: number; catchUpSeconds: number; by: string[]; requests: Record<string, number>; observationLists: number; writes: number; peakRssMiB: number; peakHeapUsedMiB: number };
  nodeOptions: string;
  env: Record<string, string>;
  /** Bare create loop, creates/s by concurrency, before the sync and after the takeover. */
  baseline: { before: Record<number, number>; after: Record<number, number> };
}

/** Why a replica is gone, with what it last said. */
function exited(p: ZenWatcherProcess): string {
  const lastLogs = p.logs.slice(-5).map((l) => JSON.stringify(l).slice(0, 300));
  return `${p.name} exited (code ${p.exitCode}, signal ${p.exitSignal}); stderr: ${p.stderr.slice(-20).join('\n')}; last log lines: ${lastLogs.join('\n')}`;
}

const note = (msg: string) => process.stderr.write(`[informer-scale] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);
const round = (x: number, d = 1) => Number(x.toFixed(d));
const isWrite = (kind: string) => /^(create|update|patch|delete|deletecollection) /.test(kind);

/** Waits for the process's write queue to be empty (its metric). */
async function drained(p: { metric(n: string): Promise<number> }): Promise<void> {
  await waitFor('the write queue to drain', async () => (await p.metric('zen_watcher_write_queue_depth')) === 0, { timeoutMs: 120_000, intervalMs: 200 });
}

/** The bare create loop in its own process; creates per second. */
export function baseline(kubeconfig: string, namespace: string, template: string, creates: number, concurrency: number): Promise<number> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'create-loop.ts'), kubeconfig, namespace, template, String(creates), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { perSecond: number }).perSecond));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`create loop exited with ${code}`))));
  });
}

/** The bare create loop at 16 and 64 against the same server, each into a namespace of its own. */
async function baselines(c: BenchCluster, when: string, creates: number): Promise<Record<number, number>> {
  const template = await c.observationTemplate();
  const kubeconfig = await c.kubeconfig('baseline');
  const out: Record<number, number> = {};
  for (const concurrency of [16, 64]) {
    const ns = `baseline-${when}-${concurrency}`;
    c.tally.phase = ns;
    await c.kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    out[concurrency] = round(await baseline(kubeconfig, ns, template, creates, concurrency));
    note(`bare create loop ${when}, at ${concurrency}: ${out[concurrency]}/s`);
  }
  return out;
}

export interface ScaleRunOptions {
  baselineCreates: number;
  scheme: 'http' | 'https';
  mode: InformersMode;
  /** zen-watcher processes (the takeover needs two). */
  replicas: number;
  /** NODE_OPTIONS of the zen-watcher processes (e.g. the heap limit V8 would pick in a pod). */
  nodeOptions: string;
  /** More environment for the zen-watcher processes (e.g. the chart's KUBE_QPS). */
  env: Record<string, string>;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mergedCounts = (all: Record<string, number>[]) => {
  const out: Record<string, number> = {};
  for (const counts of all) for (const [k, n] of Object.entries(counts)) out[k] = (out[k] ?? 0) + n;
  return out;
};
const observationWrites = (requests: Record<string, number>) => sum(Object.entries(requests).filter(([k]) => isWrite(k) && k.includes(' observations ')).map(([, n]) => n));

export async function scaleRun(reports: number, opts: ScaleRunOptions): Promise<ScaleFigures> {
  const start = loadavg();
  const c = await BenchCluster.start({ scheme: opts.scheme });
  try {
    note(`${reports} reports: creating them`);
    await c.createReports(reports);
    const base: Partial<ScaleFigures['baseline']> = { before: await baselines(c, 'before', opts.baselineCreates) };
    await c.startReplicas(opts.replicas, { INFORMERS_MODE: opts.mode, ...opts.env, ...(opts.nodeOptions ? { NODE_OPTIONS: opts.nodeOptions } : {}) });
    const replicas = c.processes;
    const alive = () => {
      for (const p of replicas) if (!p.running) throw new GiveUp(exited(p));
    };
    if (opts.mode === 'partitioned') {
      // Every replica holds its share before the work arrives, so the sync is split as in a steady deployment.
      const share = Math.floor(PARTITIONS / replicas.length);
      const balanced = async () => {
        const owned = await Promise.all(replicas.map((p) => p.metric('zenwatcher_partitions_owned').catch(() => 0)));
        return sum(owned) === PARTITIONS && owned.every((n) => n >= share && n <= share + 1);
      };
      await waitFor('every partition owned, each replica its share', async () => (alive(), await balanced()), { timeoutMs: 60_000, intervalMs: 200 });
    }
    const leader = await c.leader();
    const survivors = replicas.filter((p) => p !== leader);
    const mem = replicas.map((p) => new MemorySampler(p.child!.pid!).start());
    const heap = replicas.map((p) => new HeapSampler((m) => p.metric(m)).start());
    const idle = mem.map((m) => m.sample()!.rssMiB);

    // The sync: from the Ingester's creation to the last Observation stored.
    const findings = reports * FINDINGS_AT_MEDIUM;
    c.tally.phase = 'sync';
    const t0 = performance.now();
    const cpu0 = replicas.map((p) => cpuSecondsOf(p.child!.pid!)!);
    await c.applyIngester({ source: 'trivy', config: { reports: ['vulnerability'] } });
    let lastNote = t0;
    await waitFor(
      `${findings} Observations`,
      () => {
        const n = c.observationCount;
        if (performance.now() - lastNote > 30_000) {
          lastNote = performance.now();
          note(`${n}/${findings} Observations, ${round(n / ((lastNote - t0) / 1000))}/s, RSS ${mem.map((m) => round(m.sample()?.rssMiB ?? NaN)).join(' / ')} MiB, heap used ≤ ${heap.map((h) => round(h.highestUsedMiB)).join(' / ')} MiB; this process (API server) ${round(process.memoryUsage().rss / 2 ** 20)} MiB, load ${round(loadavg()[0], 2)}`);
        }
        alive();
        return n >= findings;
      },
      { timeoutMs: 60_000 + findings * 50, intervalMs: 100 },
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpuSeconds = sum(replicas.map((p, i) => cpuSecondsOf(p.child!.pid!)! - cpu0[i]));
    await Promise.all(replicas.map(drained));
    c.tally.phase = 'idle';
    const syncRequests = mergedCounts(replicas.map((p) => c.tally.of('sync', c.userOf(p.name))));
    const sync = {
      seconds: round(seconds),
      perSecond: round(findings / seconds),
      requestsPerFinding: round(sum(replicas.map((p) => c.tally.total('sync', c.userOf(p.name)))) / findings, 3),
      writesPerFinding: round(observationWrites(syncRequests) / findings, 3),
      conflicts: c.tally.createsAnswered('sync', 409),
      countsNotOne: c.countsOtherThanOne(),
      requests: syncRequests,
      cpuSeconds: round(cpuSeconds),
      cores: round(cpuSeconds / seconds, 2),
    };
    c.tally.dropCreates('sync');
    await Promise.all(heap.map((h) => h.sample()));
    heap[replicas.indexOf(leader)].stop();
    const replicaMemory: ReplicaMemory[] = replicas.map((p, i) => {
      const m = i === replicas.indexOf(leader) ? mem[i].stop()! : mem[i].sample()!;
      return { name: p.name, idleRssMiB: round(idle[i]), peakRssMiB: round(m.peakMiB), afterSyncRssMiB: round(m.rssMiB), peakHeapUsedMiB: round(heap[i].highestUsedMiB) };
    });
    note(`synced ${findings} in ${sync.seconds} s (${sync.perSecond}/s), peak RSS ${replicaMemory.map((r) => `${r.name} ${r.peakRssMiB}`).join(', ')} MiB`);

    // The takeover (two replicas or more): SIGKILL the Lease holder; the survivors have everything
    // again once one leads (leader mode) or they own every partition between them (partitioned),
    // then catch up on what they took over.
    let takeover: ScaleFigures['takeover'];
    if (survivors.length > 0) {
      c.tally.phase = 'takeover';
      const t = await takeOver(leader, survivors, { mode: opts.mode, partitions: PARTITIONS, catchUpTimeoutMs: 60_000 + findings * 5, exited });
      await Promise.all(t.by.map(drained));
      c.tally.phase = 'after';
      const requests = mergedCounts(t.by.map((p) => c.tally.of('takeover', c.userOf(p.name))));
      const worked = t.by.map((p) => replicas.indexOf(p));
      await Promise.all(worked.map((i) => heap[i].sample()));
      takeover = {
        toOwnSeconds: round(t.toOwnSeconds),
        catchUpSeconds: round(t.catchUpSeconds),
        by: t.by.map((p) => p.name),
        requests,
        observationLists: sum(Object.entries(requests).filter(([k]) => k.startsWith('list observations - zen.kube-zen.io/source=trivy')).map(([, n]) => n)),
        writes: observationWrites(requests),
        peakRssMiB: round(Math.max(...worked.map((i) => mem[i].sample()?.peakMiB ?? 0))),
        peakHeapUsedMiB: round(Math.max(...worked.map((i) => heap[i].highestUsedMiB))),
      };
      note(`takeover by ${takeover.by.join(', ')}: all work after ${takeover.toOwnSeconds} s, caught up ${takeover.catchUpSeconds} s later, ${takeover.observationLists} lists of Observations, ${takeover.writes} writes`);
      if (c.observationCount !== findings || c.countsOtherThanOne() > 0) throw new Error(`after the takeover: ${c.observationCount} Observations, ${c.countsOtherThanOne()} with a count other than 1`);
    } else note('one replica: no takeover to measure');
    for (const h of heap) h.stop();
    for (const m of mem) m.stop();
    await Promise.all(replicas.filter((p) => p.running).map((p) => p.stop('SIGTERM')));

    base.after = await baselines(c, 'after', opts.baselineCreates);
    return {
      reports,
      findings,
      mode: opts.mode,
      loadAverage: { start: start.map((x) => round(x, 2)), end: loadavg().map((x) => round(x, 2)) },
      sync,
      replicaCount: opts.replicas,
      replicas: replicaMemory,
      takeover,
      baseline: base as ScaleFigures['baseline'],
      nodeOptions: opts.nodeOptions,
      env: opts.env,
    };
  } finally {
    await c.stop();
  }
}
