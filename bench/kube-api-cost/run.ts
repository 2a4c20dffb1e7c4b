// The test API server's cost model against the real server it is calibrated on: a bare
// @kubernetes/client-node create loop (Observations, as zen-watcher writes them) at concurrency
// 16 and 64 against the standalone test server with `--cost-model realistic`. A real
// kube-apiserver v1.32 + etcd 3.5 on this machine kind did 128 creates/s at 16 and 158/s at 64.
//   node bench/kube-api-cost/run.ts [--objects 1500] [--cost-model realistic|<json>]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';

const { values } = parseArgs({ options: { objects: { type: 'string', default: '1500' }, 'cost-model': { type: 'string', default: 'realistic' } } });
const N = Number(values.objects);
const root = join(import.meta.dirname, '..', '..');
const REAL: Record<number, number> = { 16: 128, 64: 158 };

const dir = mkdtempSync(join(tmpdir(), 'zw-bench-cost-'));
const kubeconfig = join(dir, 'kubeconfig');
const args = ['--experimental-strip-types', join(root, 'test', 'kube-api', 'main.ts'), '--kubeconfig', kubeconfig, '--bookmark-interval-ms', '60000', '--cost-model', values['cost-model']!];
const server = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => createInterface({ input: server.stdout! }).once('line', () => resolve()));

const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const crd = parse(readFileSync(join(root, 'charts', 'zen-watcher', 'crds', 'observations.zen.kube-zen.io.yaml'), 'utf8'));
await kc.makeApiClient(k8s.ApiextensionsV1Api).createCustomResourceDefinition({ body: k8s.loadYaml(stringify(crd)) });
await new Promise((r) => setTimeout(r, 1000));
const core = kc.makeApiClient(k8s.CoreV1Api);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);

const observation = (i: number) => ({
  apiVersion: 'zen.kube-zen.io/v1alpha1',
  kind: 'Observation',
  metadata: { name: `bench-${i}`, labels: { 'zen.kube-zen.io/source': 'bench' } },
  spec: { source: 'bench', category: 'security', severity: 'high', eventType: 'bench', title: `finding ${i}`, detectedAt: new Date().toISOString() },
});

/** Creates n Observations with c in flight; returns creates per second. */
async function createLoop(ns: string, n: number, c: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        await custom.createNamespacedCustomObject({ group: 'zen.kube-zen.io', version: 'v1alpha1', namespace: ns, plural: 'observations', body: observation(i) });
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

const rows: string[] = [];
for (const c of [16, 64]) {
  const ns = `bench-c${c}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await createLoop(ns, Math.min(200, N), c); // warm-up, not recorded
  await core.deleteNamespace({ name: ns });
  const ns2 = `bench-c${c}-run`;
  await core.createNamespace({ body: { metadata: { name: ns2 } } });
  const rate = await createLoop(ns2, N, c);
  rows.push(`| ${c} | ${rate.toFixed(0)} | ${REAL[c]} | ${(rate / REAL[c]).toFixed(2)} |`);
}
server.kill();
console.log(`cost model: ${values['cost-model']}, ${N} creates per concurrency`);
console.log('| concurrency | test server creates/s | real v1.32 creates/s | ratio |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(r);
