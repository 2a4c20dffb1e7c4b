// Summarises a V8 CPU profile (node --cpu-prof): where the time goes, by area (GC, node
// internals, each package, our own code), by function (self time) and by frame (inclusive
// time, what a flame graph shows as wide bars).
//   node bench/webhook/profile-summary.mjs <file.cpuprofile> [--top 20]
import { readFileSync } from 'node:fs';

function areaOf(frame) {
  const { functionName, url } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1].startsWith('@zen-watcher/') ? pkg[1] : pkg[1];
  const ours = /\/(core|sdk|plugins\/[^/]+)\/(?:dist|src)\//.exec(url);
  return ours ? `zen-watcher ${ours[1]}` : url;
}

function frameName(frame) {
  const file = frame.url ? frame.url.replace(/^.*\/(node_modules\/)?/, '') : '';
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** `{ totalMs, areas, self, inclusive }`, each list sorted by time, with percentages of the total. */
export function summarise(profile, top = 20) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    total += ms;
    const name = frameName(leaf.callFrame);
    self.set(name, (self.get(name) ?? 0) + ms);
    const area = areaOf(leaf.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    // Each frame once per sample, however often it recurses.
    const seen = new Set();
    for (let n = leaf; n; n = byId.get(parent.get(n.id))) {
      const f = frameName(n.callFrame);
      if (f === '(root)' || seen.has(f)) continue;
      seen.add(f);
      inclusive.set(f, (inclusive.get(f) ?? 0) + ms);
    }
  });
  const list = (m, n) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / total) * 1000) / 10 }));
  return { totalMs: Math.round(total), areas: list(areas, 15), self: list(self, top), inclusive: list(inclusive, top) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.mjs <file.cpuprofile> [--top N]');
  const top = process.argv.includes('--top') ? Number(process.argv[process.argv.indexOf('--top') + 1]) : 20;
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')), top);
  console.log(`busy ${s.totalMs} ms (idle excluded)`);
  for (const [title, rows] of [['by area (self)', s.areas], ['by function (self)', s.self], ['by frame (inclusive)', s.inclusive]]) {
    console.log(`\n${title}`);
    for (const r of rows) console.log(`  ${String(r.pct).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  }
}
