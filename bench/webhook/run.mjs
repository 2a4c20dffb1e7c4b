// Webhook ingest benchmark: zen-watcher (local mode, falco source) against bare fastify, same
// machine, same run, real sockets on loopback, real Falco payloads made distinct per request.
//   npm run build && npx node bench/webhook/run.mjs [--seconds 10] [--connections 50]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const seconds = arg('seconds', 10);
const connections = arg('connections', 50);
const source = process.argv.includes('--source') ? process.argv[process.argv.indexOf('--source') + 1] : 'falco';

// Real Falco alerts (single-object fixtures), each made into many distinct findings by varying the pod.
const fixtures = join(root, 'plugins', 'falco', 'test', 'fixtures');
const alerts = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(fixtures, f), 'utf8')))
  .filter((a) => a && typeof a === 'object' && !Array.isArray(a) && a.rule);
// 50,000 distinct findings per pass (a pass that sends more repeats some, which then take the
// dedup path: a realistic mix); the warm-up pass uses other pods than the measured one.
// Audit: a real API server audit event (creating a Secret), each with its own auditID.
const auditEvent = JSON.parse(readFileSync(join(root, 'plugins', 'audit', 'test', 'fixtures', 'event-v1-metadata-create-secret-kube-system.json'), 'utf8'));
function makeBodies(pass) {
  const out = [];
  for (let i = 0; i < 50_000; i++) {
    if (source === 'audit') {
      out.push(JSON.stringify({ ...auditEvent, auditID: `${pass}-${i}-${auditEvent.auditID ?? 'x'}` }));
    } else if (source === 'webhook') {
      out.push(JSON.stringify({ title: `Backup failed for volume ${pass}-${i}`, severity: 'high', namespace: 'bench', timestamp: '2026-11-26T06:00:00Z' }));
    } else {
      const a = structuredClone(alerts[i % alerts.length]);
      a.output_fields = { ...(a.output_fields ?? {}), 'k8s.pod.name': `bench-${pass}-${i}`, 'k8s.ns.name': 'bench' };
      out.push(JSON.stringify(a));
    }
  }
  return out;
}
let bodies = makeBodies('warmup');

function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitReady(url, t0, child, anyAnswer) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status === 200 || anyAnswer) return performance.now() - t0;
    } catch {}
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function startServer(kind) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const dir = mkdtempSync(join(tmpdir(), 'zw-bench-'));
  let cmd;
  const env = { ...process.env, PORT: String(port) };
  if (kind === 'zen-watcher') {
    const cfg = join(dir, 'zw.yaml');
    writeFileSync(cfg, `mode: local\nhost: 127.0.0.1\noutput: { file: ${join(dir, 'observations.jsonl')} }\nsources:\n  - source: ${source}\n`);
    Object.assign(env, { ZW_CONFIG: cfg, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn' });
    cmd = [join(root, 'core', 'dist', 'main.js')];
  } else cmd = [join(root, 'bench', 'webhook', 'baseline-server.mjs')];
  const t0 = performance.now();
  const child = spawn(process.execPath, cmd, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // The baseline has no /readyz: any answer means it is up.
  const readyMs = await waitReady(`http://127.0.0.1:${port}${kind === 'zen-watcher' ? '/readyz' : '/nothing'}`, t0, child, kind !== 'zen-watcher');
  return { child, port, readyMs, dir };
}

async function load(port) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: `/ingest/${source}`,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }),
      },
    ],
  });
  return {
    requestsPerSec: Math.round(result.requests.average),
    p50ms: result.latency.p50,
    p99ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
  };
}

const out = { machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version }, seconds, connections, source };
const kinds = process.argv.includes('--no-baseline') ? ['zen-watcher'] : ['fastify-baseline', 'zen-watcher'];
for (const kind of kinds) {
  const s = await startServer(kind);
  bodies = makeBodies('warmup');
  await load(s.port); // warm-up pass is not recorded: JIT and first-write costs
  bodies = makeBodies('measured');
  const r = await load(s.port);
  out[kind] = { ...r, peakRssMiB: Math.round(peakRssMiB(s.child.pid) * 10) / 10, startToReadyMs: Math.round(s.readyMs) };
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.once('exit', r));
}
if (out['fastify-baseline']) out.ratio = Math.round((out['zen-watcher'].requestsPerSec / out['fastify-baseline'].requestsPerSec) * 100) / 100;
console.log(JSON.stringify(out, null, 2));
