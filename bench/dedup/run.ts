// Memory of a full dedup cache: 100,000 keys (Observation names of real length), measured as the
// retained heap after a full GC, against an empty cache in the same process.
//   npm run build && node --expose-gc bench/dedup/run.ts
import { DedupCache } from '@zen-watcher/core';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const N = Number(process.argv[2] ?? 100_000);
gc();
const before = process.memoryUsage();
const cache = new DedupCache(N);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  cache.remember({ namespace: `team-${i % 50}`, name: `falco-${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${i.toString(16).padStart(12, '0')}`, source: 'falco', windowMs: 60_000, lastSeenAt: new Date(1_700_000_000_000 + i).toISOString() });
}
const fillMs = performance.now() - t0;
gc();
const after = process.memoryUsage();
console.log(JSON.stringify({
  keys: cache.size,
  heapMiB: Math.round(((after.heapUsed - before.heapUsed) / 2 ** 20) * 10) / 10,
  rssMiB: Math.round(((after.rss - before.rss) / 2 ** 20) * 10) / 10,
  fillMs: Math.round(fillMs),
  nsPerInsert: Math.round((fillMs * 1e6) / N),
}, null, 2));
