// One run: the bare create loop at each concurrency, N replicas at their defaults, a warm-up
// pass, one pass per concurrency, each replica's peak RSS, then the bare loop again, all against
// one test API server with the realistic cost model.
import { loadavg } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { waitFor } from '../../test/harness/wait-for.ts';
import { BenchCluster, PARTITIONS } from '../informer-scale/bench-cluster.ts';
import { MemorySampler } from '../informer-scale/process-memory.ts';
import { baseline } from '../informer-scale/scale-run.ts';
import { falcoObservationTemplate } from './falco-alerts.ts';
import { webhookPass, type PassFigures } from './webhook-pass.ts';

export interface WebhookRunOptions {
  alerts: number;
  concurrencies: number[];
  replicas: number;
  /** Alerts of the warm-up pass (not recorded; its exactness is still checked). */
  warmup: number;
  baselineCreates: number;
  scheme: 'http' | 'https';
  /** More environment for the zen-watcher processes (e.g. KUBE_QPS=1000). */
  env: Record<string, string>;
}

export interface WebhookFigures {
  loadAverage: { start: number[]; end: number[] };
  env: Record<string, string>;
  warmup?: PassFigures;
  passes: PassFigures[];
  replicas: { name: string; idleRssMiB: number; peakRssMiB: number }[];
  /** Bare create loop, creates/s by concurrency, before the replicas start and after they stop. */
  baseline: { before: Record<number, number>; after: Record<number, number> };
}

const round = (x: number, d = 1) => Number(x.toFixed(d));
export const note = (msg: string) => process.stderr.write(`[cluster-webhook] ${new Date().toISOString().slice(11, 19)} ${msg}\n`);

/** The bare create loop at each concurrency, each into a namespace of its own. */
async function baselines(c: BenchCluster, template: string, when: string, opts: WebhookRunOptions): Promise<Record<number, number>> {
  const kubeconfig = await c.kubeconfig('baseline');
  const out: Record<number, number> = {};
  for (const concurrency of opts.concurrencies) {
    const ns = `baseline-${when}-${concurrency}`;
    c.tally.phase = ns;
    await c.kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: ns } } });
    out[concurrency] = round(await baseline(kubeconfig, ns, template, opts.baselineCreates, concurrency));
    note(`bare create loop ${when}, at ${concurrency}: ${out[concurrency]}/s`);
  }
  return out;
}

function described(p: PassFigures): string {
  const exact = p.stored === p.acknowledged ? 'stored = 2xx' : `stored ${p.stored} ≠ 2xx ${p.acknowledged}`;
  return `${round(p.perSecond)} acknowledged/s, answers ${JSON.stringify(p.load.codes)}, ${exact}, p50 ${round(p.load.p50Ms)} ms, p99 ${round(p.load.p99Ms)} ms, ${round(p.requestsPerFinding, 3)} requests per finding, load ${round(loadavg()[0], 2)}`;
}

export async function clusterWebhookRun(opts: WebhookRunOptions): Promise<WebhookFigures> {
  const start = loadavg();
  const c = await BenchCluster.start({ scheme: opts.scheme });
  try {
    const template = await falcoObservationTemplate(c.dir);
    const before = await baselines(c, template, 'before', opts);
    note(`starting ${opts.replicas} replicas`);
    await c.startReplicas(opts.replicas, opts.env);
    await c.leader();
    if (opts.env.INFORMERS_MODE !== 'leader') {
      // Every partition held: the Lease traffic of the passes is the steady state's, not start-up's.
      const owned = async () => (await Promise.all(c.processes.map((p) => p.metric('zenwatcher_partitions_owned').catch(() => 0)))).reduce((a, b) => a + b, 0);
      await waitFor('every partition owned', async () => (await owned()) === PARTITIONS, { timeoutMs: 60_000, intervalMs: 200 });
    }
    const mem = c.processes.map((p) => new MemorySampler(p.child!.pid!).start());
    const idle = mem.map((m) => m.sample()!.rssMiB);
    let warmup: PassFigures | undefined;
    if (opts.warmup > 0) {
      warmup = await webhookPass(c, 'alerts-warmup', opts.warmup, Math.min(...opts.concurrencies));
      note(`warm-up: ${described(warmup)}`);
    }
    const passes: PassFigures[] = [];
    for (const concurrency of opts.concurrencies) {
      const pass = await webhookPass(c, `alerts-c${concurrency}`, opts.alerts, concurrency);
      note(`at ${concurrency}: ${described(pass)}`);
      passes.push(pass);
    }
    const replicas = c.processes.map((p, i) => ({ name: p.name, idleRssMiB: round(idle[i]), peakRssMiB: round(mem[i].stop()!.peakMiB) }));
    await Promise.all(c.processes.map((p) => p.stop('SIGTERM')));
    const after = await baselines(c, template, 'after', opts);
    return { loadAverage: { start: start.map((x) => round(x, 2)), end: loadavg().map((x) => round(x, 2)) }, env: opts.env, warmup, passes, replicas, baseline: { before, after } };
  } finally {
    await c.stop();
  }
}
