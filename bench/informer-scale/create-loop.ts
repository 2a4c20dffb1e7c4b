// The baseline: a bare @kubernetes/client-node create loop, in its own process (as zen-watcher
// is), creating Observations like the ones zen-watcher wrote in the same run. Prints one JSON
// line: { creates, seconds, perSecond }.
//   node bench/informer-scale/create-loop.ts <kubeconfig> <namespace> <template.json> <count> <concurrency> [warmup]
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';

const [kubeconfig, namespace, templateFile, countArg, concurrencyArg, warmupArg = '200'] = process.argv.slice(2);
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const custom = kc.makeApiClient(k8s.CustomObjectsApi);
const template = JSON.parse(readFileSync(templateFile, 'utf8')) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };

/** The template as a new Observation: its own name and dedup key, nothing the server sets. */
function observation(i: number): object {
  return {
    apiVersion: 'zen.kube-zen.io/v1alpha1',
    kind: 'Observation',
    metadata: { name: `baseline-${i}`, labels: template.metadata.labels },
    spec: { ...template.spec, dedupKey: `baseline|${i}`, title: `${String(template.spec.title)} #${i}` },
  };
}

async function loop(from: number, n: number, concurrency: number): Promise<number> {
  let next = from;
  const end = from + n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end) {
        const i = next++;
        await custom.createNamespacedCustomObject({ group: 'zen.kube-zen.io', version: 'v1alpha1', namespace, plural: 'observations', body: observation(i) });
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}

const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const warmup = Number(warmupArg);
await loop(0, warmup, concurrency); // not recorded: connection set-up, JIT
const seconds = await loop(warmup, count, concurrency);
process.stdout.write(`${JSON.stringify({ creates: count, seconds, perSecond: count / seconds })}\n`);
