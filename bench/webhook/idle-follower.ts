// Resident memory of idle cluster-mode replicas: two real zen-watcher processes against the
// test API server, one Ingester (falco) applied, no traffic. The follower is what most pods of
// a Deployment are, most of the time. Prints one JSON object.
//   npm run build && node bench/webhook/idle-follower.ts [--idle-seconds 20] [--main <core/dist/main.js>]
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { ZenCluster } from '../../test/harness/cluster.ts';
import { rssMiB } from './server-process.mjs';

const { values } = parseArgs({ options: { 'idle-seconds': { type: 'string', default: '20' }, main: { type: 'string' } } });
const idleMs = Number(values['idle-seconds']) * 1000;

const rounded = (r: { now: number; peak: number }) => ({ now: Math.round(r.now), peak: Math.round(r.peak) });

// As a pod runs it: the bundled plugins only, the default log level.
const cluster = await ZenCluster.start({ replicas: 2, env: { PLUGINS: '', LOG_LEVEL: 'info' }, start: false });
try {
  for (const p of cluster.processes) {
    if (values.main) Object.assign(p.options, { bin: values.main, cwd: dirname(values.main) });
    await p.start();
    await p.ready();
  }
  await cluster.applyIngester('falco', { source: 'falco' });
  await cluster.ingesterReady('falco', 'True', undefined, 30_000);
  const leader = await cluster.leader(30_000);
  const follower = cluster.processes.find((p) => p !== leader)!;
  await new Promise((r) => setTimeout(r, idleMs));
  const out = {
    idleSeconds: idleMs / 1000,
    follower: { rssMiB: rounded(rssMiB(follower.child!.pid!)), metricRssMiB: Math.round((await follower.metric('process_resident_memory_bytes')) / 2 ** 20), heapUsedMiB: Math.round((await follower.metric('nodejs_heap_size_used_bytes')) / 2 ** 20) },
    leader: { rssMiB: rounded(rssMiB(leader.child!.pid!)), metricRssMiB: Math.round((await leader.metric('process_resident_memory_bytes')) / 2 ** 20) },
  };
  console.log(JSON.stringify(out));
} finally {
  await cluster.stop();
}
