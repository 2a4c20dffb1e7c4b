// Informer sources at real-cluster scale (issue 9): N full-size Trivy VulnerabilityReports (132
// vulnerabilities, ~144 KB of YAML each, built from the licensed samples of the trivy fixtures:
// see test/cluster/trivy-reports.ts) across 10 namespaces, one trivy Ingester, R real
// zen-watcher processes (two by default) with the default settings against the test API server
// with the realistic cost model. Per N and R: time to full sync, Observations/s, API requests per
// new finding (request log), each replica's peak RSS (VmHWM), the survivors' catch-up after the
// Lease holder is SIGKILLed (R ≥ 2), and a bare client-node create loop against the same server
// in the same run (concurrency 16 and 64).
//   npm run build && npm run bench:informer-scale -- [--reports 200,1000] [--replicas 1,2,3] [--mode partitioned|leader]
//     [--baseline-creates 2000] [--scheme https|http]
//     [--node-options=--max-old-space-size=256] [--env KUBE_QPS=50,WRITE_CONCURRENCY=8]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { scaleRun, type InformersMode, type ScaleFigures } from './scale-run.ts';

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: '200,1000' },
    replicas: { type: 'string', default: '2' },
    mode: { type: 'string', default: 'partitioned' },
    'baseline-creates': { type: 'string', default: '2000' },
    scheme: { type: 'string', default: 'https' },
    // e.g. '--max-old-space-size=256': the old-space limit V8 derives from a 512 Mi pod limit
    'node-options': { type: 'string', default: '' },
    // e.g. 'KUBE_QPS=50,KUBE_BURST=100,WRITE_CONCURRENCY=8': settings other than the host's defaults
    env: { type: 'string', default: '' },
  },
});
const sizes = values.reports!.split(',').map(Number);
const replicaCounts = values.replicas!.split(',').map(Number);
if (replicaCounts.some((r) => !Number.isInteger(r) || r < 1)) throw new Error(`--replicas: counts of one or more, not ${values.replicas}`);
const scheme = values.scheme === 'http' ? 'http' : 'https';
if (values.mode !== 'partitioned' && values.mode !== 'leader') throw new Error(`--mode: partitioned or leader, not ${values.mode}`);
const mode: InformersMode = values.mode;
const env = Object.fromEntries(values.env!.split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));

const runs: ScaleFigures[] = [];
for (const n of sizes) for (const replicas of replicaCounts) runs.push(await scaleRun(n, { baselineCreates: Number(values['baseline-creates']), scheme, mode, replicas, nodeOptions: values['node-options']!, env }));

const rows = runs.map((r) => {
  const loop16 = (r.baseline.before[16] + r.baseline.after[16]) / 2;
  const peak = Math.max(...r.replicas.map((x) => x.peakRssMiB));
  const t = r.takeover;
  return [
    r.reports,
    r.replicaCount,
    r.findings,
    r.sync.seconds,
    r.sync.perSecond,
    `${r.baseline.before[16]}, ${r.baseline.after[16]} / ${r.baseline.before[64]}, ${r.baseline.after[64]}`,
    (r.sync.perSecond / loop16).toFixed(2),
    `${r.sync.requestsPerFinding} / ${r.sync.writesPerFinding}`,
    r.sync.conflicts,
    `${((r.sync.cpuSeconds / r.findings) * 1000).toFixed(2)} / ${r.sync.cores}`,
    r.replicas.map((x) => `${x.idleRssMiB} → ${x.peakRssMiB}`).join(', '),
    peak,
    r.replicas.map((x) => x.peakHeapUsedMiB).join(', '),
    ((peak - Math.min(...r.replicas.map((x) => x.idleRssMiB))) / r.reports).toFixed(3),
    t ? `${t.toOwnSeconds} / ${t.catchUpSeconds} (${t.by.join(', ')})` : 'none: one replica',
    t ? `${t.observationLists} / ${t.writes}` : '-',
    t ? `${t.peakRssMiB} / ${t.peakHeapUsedMiB}` : '-',
    `${r.loadAverage.start[0]} → ${r.loadAverage.end[0]}`,
  ].join(' | ');
});
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}, scheme ${scheme}, INFORMERS_MODE ${mode}, zen-watcher NODE_OPTIONS '${values['node-options']}', env '${values.env}'`);
console.log('| reports | replicas | findings | sync s | Observations/s | bare loop/s before, after (16 / 64) | ratio vs 16 (mean) | requests / writes per new finding | 409s | CPU ms per finding / cores (all replicas) | RSS MiB idle → peak (per replica) | highest peak RSS MiB | peak heap used MiB | MiB per report (highest peak) | takeover: all work s / catch-up s (by) | catch-up: Observation lists / writes | survivors\' peak RSS / heap MiB | load avg (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row} |`);
console.log(JSON.stringify(runs));
