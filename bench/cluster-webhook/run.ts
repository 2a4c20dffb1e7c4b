// The falco webhook in cluster mode (issue 9's "cluster-mode webhook ≥ 0.8× the bare create
// loop"): the test API server in this process with the realistic cost model, N real zen-watcher
// processes in cluster mode at their defaults, one falco Ingester per pass, and a load generator
// (its own process) posting distinct real Falco alerts round-robin across the replicas at a fixed
// concurrency (closed loop, each alert once). Per concurrency: acknowledged alerts/s, answers by
// status, Observations stored against 2xx answers (exactly once), API requests and Observation
// writes per new finding (the server's request log), p50/p99 answer latency; each replica's peak
// RSS; and the bare client-node create loop at the same concurrencies against the same server,
// before the replicas start and after they stop.
//   npm run build && npm run bench:cluster-webhook -- [--alerts 6000] [--concurrency 16,64]
//     [--replicas 2] [--warmup 300] [--baseline-creates 2000] [--scheme https|http]
//     [--env KUBE_QPS=1000,WRITE_CONCURRENCY=64]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { clusterWebhookRun } from './webhook-run.ts';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '6000' },
    concurrency: { type: 'string', default: '16,64' },
    replicas: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '300' },
    'baseline-creates': { type: 'string', default: '2000' },
    scheme: { type: 'string', default: 'https' },
    // e.g. 'KUBE_QPS=1000,KUBE_BURST=2000,WRITE_CONCURRENCY=64': settings other than the host's defaults
    env: { type: 'string', default: '' },
  },
});
const env = Object.fromEntries(values.env!.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const scheme = values.scheme === 'http' ? 'http' : 'https';
const r = await clusterWebhookRun({
  alerts: Number(values.alerts),
  concurrencies: values.concurrency!.split(',').map(Number),
  replicas: Number(values.replicas),
  warmup: Number(values.warmup),
  baselineCreates: Number(values['baseline-creates']),
  scheme,
  env,
});

const f = (x: number, d = 1) => x.toFixed(d);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average ${r.loadAverage.start.join(' ')} → ${r.loadAverage.end.join(' ')} (now ${loadavg().map((x) => f(x, 2)).join(' ')}), scheme ${scheme}, ${r.replicas.length} replicas, env '${values.env}'`);
console.log('| concurrency | acknowledged alerts/s (2xx) | answers | stored (− 2xx) | counts ≠ 1 / 409s | API requests / Observation requests / writes per new finding | p50 / p99 ms | bare loop/s before, after | ratio (to the mean) | zen-watcher create ms (mean) | replicas CPU s | Lease requests/s |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const p of r.passes) {
  const loop = [r.baseline.before[p.concurrency], r.baseline.after[p.concurrency]];
  const mean = (loop[0] + loop[1]) / 2;
  const creates = p.replicas.reduce((a, x) => a + x.creates, 0);
  const createMs = p.replicas.reduce((a, x) => a + x.meanCreateMs * x.creates, 0) / Math.max(1, creates);
  console.log(
    `| ${[
      p.concurrency,
      f(p.perSecond),
      Object.entries(p.load.codes).map(([code, n]) => `${code}: ${n}`).join(', '),
      `${p.stored} (${p.stored - p.acknowledged >= 0 ? '+' : ''}${p.stored - p.acknowledged})`,
      `${p.countsNotOne} / ${p.conflicts}`,
      `${f(p.requestsPerFinding, 3)} / ${f(p.observationRequestsPerFinding, 3)} / ${f(p.observationWritesPerFinding, 3)}`,
      `${f(p.load.p50Ms, 0)} / ${f(p.load.p99Ms, 0)}`,
      loop.join(', '),
      f(p.perSecond / mean, 2),
      f(createMs, 0),
      p.replicas.map((x) => f(x.cpuSeconds)).join(' + '),
      f(p.leaseRequestsPerSecond),
    ].join(' | ')} |`,
  );
}
console.log(`peak RSS (VmHWM) per replica: ${r.replicas.map((x) => `${x.name} ${x.idleRssMiB} → ${x.peakRssMiB} MiB`).join(', ')}`);
console.log(JSON.stringify(r));
