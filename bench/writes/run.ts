// Observation write rate: zen-watcher's ObservationWriter against a bare @kubernetes/client-node
// create loop, same API server (the test server, standalone), same concurrency, same run.
//   npm run build && node bench/writes/run.ts [--objects 2000] [--concurrency 8]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { pino } from 'pino';
import { KubeHttp, ObservationWriter, createHostMetrics, toObservation } from '@zen-watcher/core';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '8' } } });
const N = Number(values.objects);
const C = Number(values.concurrency);
const root = join(import.meta.dirname, '..', '..');

const dir = mkdtempSync(join(tmpdir(), 'zw-bench-writes-'));
const kubeconfig = join(dir, 'kubeconfig');
const server = spawn(process.execPath, [join(root, 'test', 'kube-api', 'main.ts'), '--kubeconfig', kubeconfig, '--bookmark-interval-ms', '60000'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => createInterface({ input: server.stdout! }).once('line', () => resolve()));

const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const crd = parse(readFileSync(join(root, 'charts', 'zen-watcher', 'crds', 'observations.zen.kube-zen.io.yaml'), 'utf8'));
await kc.makeApiClient(k8s.ApiextensionsV1Api).createCustomResourceDefinition({ body: k8s.loadYaml(stringify(crd)) });
await new Promise((r) => setTimeout(r, 500));
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);

function observation(ns: string, i: number) {
  return toObservation(
    { severity: 'high', category: 'security', eventType: 'bench', title: `finding ${i}`, resource: { kind: 'Pod', name: `pod-${i}`, namespace: ns }, dedupKey: `bench-${i}`, details: { rule: 'bench', i } },
    `bench-${i}`,
    { source: 'bench', defaultNamespace: ns, scope: [], ttlSecondsAfterCreation: 3600, receivedAt: new Date().toISOString() },
  );
}

async function pool(n: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < n) await work(next++);
  }));
  return n / ((performance.now() - t0) / 1000);
}

async function bare(run: number): Promise<number> {
  const ns = `bare-${run}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  return pool(N, (i) => {
    const { status: _status, ...obs } = observation(ns, i);
    return custom.createNamespacedCustomObject({ group: 'zen.kube-zen.io', version: 'v1alpha1', namespace: ns, plural: 'observations', body: obs });
  });
}

async function ours(run: number): Promise<number> {
  const ns = `ours-${run}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  const http = new KubeHttp(kc, { qps: 1e6, burst: 1e6 });
  const writer = new ObservationWriter(http, { queueSize: 100_000, concurrency: C }, createHostMetrics({ defaultMetrics: false }), pino({ level: 'silent' }));
  return pool(N, (i) => writer.upsert(observation(ns, i), 'increment'));
}

const results = { bare: [] as number[], ours: [] as number[] };
for (let run = 0; run < 3; run++) {
  results.bare.push(Math.round(await bare(run)));
  results.ours.push(Math.round(await ours(run)));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  objects: N,
  concurrency: C,
  note: 'each zen-watcher write is a create plus a status write (the status subresource ignores status on create)',
  bareClientNodeCreatesPerSec: results.bare,
  zenWatcherObservationsPerSec: results.ours,
  ratioOfMedians: Math.round((median(results.ours) / median(results.bare)) * 100) / 100,
}, null, 2));
server.kill('SIGTERM');
