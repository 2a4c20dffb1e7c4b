// The load generator, in its own process (as Falco or falcosidekick is): a closed loop of
// `concurrency` senders posting distinct real Falco alerts round-robin across the replicas,
// each alert once (no retry: a 503 is counted as what it is). Prints one JSON line:
// { sent, seconds, codes: { "200": n, ... }, p50Ms, p99Ms, maxMs, cpuSeconds }.
//   node bench/cluster-webhook/alert-load.ts <url,url,...> <path> <namespace> <count> <concurrency>
import { alertBodies } from './falco-alerts.ts';

const [urlsArg, path, namespace, countArg, concurrencyArg] = process.argv.slice(2);
const urls = urlsArg.split(',').map((u) => `${u}${path}`);
const bodies = alertBodies(Number(countArg), namespace);
const latencies = new Float64Array(bodies.length);
const codes: Record<string, number> = {};

async function post(i: number): Promise<void> {
  const t0 = performance.now();
  let code: string;
  try {
    const res = await fetch(urls[i % urls.length], { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i] });
    await res.arrayBuffer();
    code = String(res.status);
  } catch (err) {
    code = `error: ${(err as Error).message}`;
  }
  latencies[i] = performance.now() - t0;
  codes[code] = (codes[code] ?? 0) + 1;
}

let next = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await Promise.all(
  Array.from({ length: Number(concurrencyArg) }, async () => {
    while (next < bodies.length) await post(next++);
  }),
);
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const sorted = latencies.sort();
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
process.stdout.write(`${JSON.stringify({ sent: bodies.length, seconds, codes, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1], cpuSeconds: cpuSeconds(process.cpuUsage(cpu0)) })}\n`);
