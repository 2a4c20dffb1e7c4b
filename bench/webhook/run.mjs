// Webhook ingest benchmark: zen-watcher (local mode) against bare fastify, same machine, same
// run, real sockets on loopback, real payloads made distinct per request. Rounds alternate the
// two servers (a fresh process each) so a change in machine load hits both alike; besides
// requests/s it reports the server's CPU time per request (user+sys from /proc, far less
// sensitive to other load than requests/s) and the load average during each pass.
//   npm run build && npm run bench:webhook -- [--seconds 10] [--connections 50] [--rounds 3]
//     [--source falco|audit|webhook] [--no-baseline] [--no-idle] [--profile] [--workspace]
//     [--against <another checkout, built>]
// zen-watcher runs from the image's runtime tree built from this checkout (image-tree.mjs);
// --workspace runs it from the checkout instead (which also loads the example plugin).
// --profile runs zen-watcher under --cpu-prof and prints where its time went. --against also
// runs another build of zen-watcher (say, main before a change) in the same rounds.
// zen-watcher's log level is its default (info: one line per Observation); BENCH_LOG_LEVEL sets another.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { makeBodies } from './bodies.mjs';
import { imageTree } from './image-tree.mjs';
import { summarise } from './profile-summary.mjs';
import { cpuSeconds, rssMiB, startServer } from './server-process.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const flag = (name) => process.argv.includes(`--${name}`);
const arg = (name, def) => (flag(name) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : def);
const seconds = Number(arg('seconds', 10));
const connections = Number(arg('connections', 50));
const rounds = Number(arg('rounds', 3));
const source = arg('source', 'falco');
const profile = flag('profile');
const load1 = () => Math.round(loadavg()[0] * 10) / 10;
const mainOf = (checkout) => (flag('workspace') ? join(checkout, 'core', 'dist', 'main.js') : imageTree(checkout));
const main = mainOf(root);
const against = flag('against') ? mainOf(arg('against')) : undefined;

async function load(port, bodies, duration) {
  let i = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    requests: [{ method: 'POST', path: `/ingest/${source}`, headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  return { requestsPerSec: Math.round(result.requests.average), p50ms: result.latency.p50, p99ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors, total: result.requests.total };
}

async function measure(kind, round) {
  const profDir = profile && kind === 'zen-watcher' ? mkdtempSync(join(tmpdir(), 'zw-prof-')) : undefined;
  const s = await startServer(root, kind === 'fastify-baseline' ? kind : 'zen-watcher', { source, main: kind === 'zen-watcher' ? main : against, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  try {
    // The warm-up pass is not recorded (JIT, first writes); it uses other findings than the measured one.
    await load(s.port, makeBodies(root, source, `warmup-${round}`), Math.max(3, Math.round(seconds / 2)));
    const bodies = makeBodies(root, source, `measured-${round}`);
    s.alive();
    const loadBefore = load1();
    const cpu0 = cpuSeconds(s.child.pid);
    const client0 = process.cpuUsage();
    const r = await load(s.port, bodies, seconds);
    s.alive();
    const cpuUsPerRequest = ((cpuSeconds(s.child.pid) - cpu0) * 1e6) / Math.max(1, r.total);
    const client = process.cpuUsage(client0);
    // The load generator shares the cores: its own cost per request says how much of the
    // machine the server could have had.
    const clientCpuUsPerRequest = (client.user + client.system) / Math.max(1, r.total);
    const rss = rssMiB(s.child.pid);
    return { kind, round, ...r, cpuUsPerRequest: Math.round(cpuUsPerRequest * 10) / 10, clientCpuUsPerRequest: Math.round(clientCpuUsPerRequest * 10) / 10, peakRssMiB: Math.round(rss.peak), rssAfterMiB: Math.round(rss.now), startToReadyMs: Math.round(s.readyMs), startupCpuMs: Math.round(s.startupCpuMs), loadAvg1m: [loadBefore, load1()] };
  } finally {
    await s.stop();
    if (profDir) {
      // The largest: the host may have restarted itself once (heap defaults), leaving a short one.
      const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f));
      const file = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (file) printProfile(file);
    }
  }
}

function printProfile(file) {
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')), 25);
  console.error(`\nprofile ${file}: busy ${s.totalMs} ms`);
  for (const [title, rows] of [['by area (self)', s.areas], ['by function (self)', s.self], ['by frame (inclusive)', s.inclusive]]) {
    console.error(`${title}:`);
    for (const r of rows) console.error(`  ${String(r.pct).padStart(5)}%  ${r.name}`);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const kinds = [...(flag('no-baseline') ? [] : ['fastify-baseline']), 'zen-watcher', ...(against ? ['zen-watcher (against)'] : [])];
const runs = [];
for (let round = 0; round < rounds; round++) {
  // Alternate which goes first, so neither always meets the same moment of the machine's load.
  for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
    const r = await measure(kind, round);
    runs.push(r);
    console.error(`round ${round} ${kind}: ${r.requestsPerSec} req/s, ${r.cpuUsPerRequest} µs CPU/req, p99 ${r.p99ms} ms, peak RSS ${r.peakRssMiB} MiB, ready ${r.startToReadyMs} ms (${r.startupCpuMs} ms CPU), load ${r.loadAvg1m.join('→')}`);
  }
}

const summary = {};
for (const kind of kinds) {
  const mine = runs.filter((r) => r.kind === kind);
  const m = (k) => median(mine.map((r) => r[k]));
  summary[kind] = { requestsPerSec: m('requestsPerSec'), cpuUsPerRequest: m('cpuUsPerRequest'), p50ms: m('p50ms'), p99ms: m('p99ms'), peakRssMiB: Math.max(...mine.map((r) => r.peakRssMiB)), startToReadyMs: m('startToReadyMs'), startupCpuMs: m('startupCpuMs'), non2xx: mine.reduce((a, r) => a + r.non2xx + r.errors, 0) };
}
if (summary['fastify-baseline']) {
  // Per round, against the baseline measured next to it.
  const ratios = (kind, f) => Array.from({ length: rounds }, (_, round) => f(runs.find((r) => r.round === round && r.kind === kind), runs.find((r) => r.round === round && r.kind === 'fastify-baseline')));
  for (const kind of kinds.filter((k) => k !== 'fastify-baseline')) {
    summary[kind].requestsPerSecRatio = ratios(kind, (z, b) => Math.round((z.requestsPerSec / b.requestsPerSec) * 100) / 100);
    summary[kind].cpuPerRequestRatio = ratios(kind, (z, b) => Math.round((b.cpuUsPerRequest / z.cpuUsPerRequest) * 100) / 100);
  }
}
if (!flag('no-idle')) {
  for (const [kind, m] of [['zen-watcher', main], ['zen-watcher (against)', against]]) {
    if (!m) continue;
    const idle = spawnSync(process.execPath, [join(root, 'bench', 'webhook', 'idle-follower.ts'), '--main', m], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    summary[kind].idleFollower = idle.status === 0 ? JSON.parse(idle.stdout) : { error: `exit ${idle.status}` };
  }
}
const machine = { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAvg: loadavg().map((l) => Math.round(l * 10) / 10) };
console.log(JSON.stringify({ machine, seconds, connections, rounds, source, main, against, logLevel: process.env.BENCH_LOG_LEVEL ?? 'info (the default)', summary, runs }, null, 2));
