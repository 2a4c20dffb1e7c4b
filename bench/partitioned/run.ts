// Active-active informers (issue 10): with 3 replicas in INFORMERS_MODE partitioned, SIGKILL of
// one pauses only that pod's partitions. Per run: three real zen-watcher processes at the host's
// default lease timing, a trivy and a k8s-events Ingester, a new small VulnerabilityReport and a
// new Warning Event in each of 10 namespaces every --every-ms; one replica SIGKILLed (a follower,
// then the Lease holder). Per group of namespaces (the dead pod's, the live pods'), before and
// after the kill: findings, median and largest wait from the source object to its Observation,
// longest stretch without an Observation; when the dead pod's namespaces resumed; at the end,
// every finding exactly once (missing, duplicated, counts other than 1), including an Event
// created and deleted during the gap.
//   npm run build && npm run bench:partitioned -- [--victims follower,leader] [--every-ms 500]
//     [--before 20] [--after 40] [--replicas 3]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { killRun, type KillFigures, type Victim } from './kill-run.ts';
import type { Window } from './gap-figures.ts';

const { values } = parseArgs({
  options: {
    victims: { type: 'string', default: 'follower,leader' },
    'every-ms': { type: 'string', default: '500' },
    before: { type: 'string', default: '20' },
    after: { type: 'string', default: '40' },
    replicas: { type: 'string', default: '3' },
  },
});
const victims = values.victims!.split(',') as Victim[];
for (const v of victims) if (v !== 'follower' && v !== 'leader') throw new Error(`--victims: follower or leader, not ${v}`);

const runs: KillFigures[] = [];
for (const victim of victims) {
  runs.push(await killRun({ victim, replicas: Number(values.replicas), everyMs: Number(values['every-ms']), beforeSeconds: Number(values.before), afterSeconds: Number(values.after) }));
}

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-');
const win = (w: Window) => `${w.findings}: ${s(w.p50LatencyMs)} / ${s(w.maxLatencyMs)} (at ${w.maxLatencyAtS}) / ${s(w.maxWriteGapMs)} (at ${w.maxWriteGapAtS})`;
const list = (xs: string[]) => (xs.length === 0 ? '0' : `${xs.length} (${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ', …' : ''})`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}, load average now ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${values.replicas} replicas, INFORMERS_MODE partitioned, lease ${runs[0]?.leaseDurationSeconds} s (the partition Leases'; host defaults: 15 s lease, 10 s renew deadline, 2 s retry); 20 findings every ${values['every-ms']} ms`);
console.log('Windows: findings created in it: median / largest wait source → Observation (s) / longest stretch with no Observation in one namespace (s); (at: when that finding was created / that stretch began, s from the kill). Findings created in the last second before the kill count after it.');
console.log('| killed | partitions (namespaces) | dead pod\'s namespaces before | after the kill | live pods\' namespaces before | after the kill | kill → first survivor write in dead namespaces s | kill → gap caught up s | findings (trivy / events) | Observations | missing | duplicated | counts ≠ 1 | strays | Event deleted in the gap recorded | failed creates | load avg (1 min) |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of runs) {
  const f = r.final;
  console.log(
    `| ${[
      `${r.victim} ${r.victimName}`,
      `${r.victimPartitions} (${r.dead.namespaces.join(', ') || 'none'})`,
      win(r.dead.before),
      win(r.dead.after),
      win(r.live.before),
      win(r.live.after),
      r.resume.firstSurvivorWriteS?.toFixed(2) ?? '-',
      r.resume.gapCaughtUpS?.toFixed(2) ?? 'not caught up',
      `${f.findings.trivy ?? 0} / ${f.findings['k8s-events'] ?? 0}`,
      `${f.observations.trivy ?? 0} / ${f.observations['k8s-events'] ?? 0}`,
      list(f.missing),
      list(f.duplicated),
      list(f.countsNotOne),
      list(f.strays),
      f.gapEventRecorded === undefined ? '-' : f.gapEventRecorded ? 'yes' : 'no',
      r.streamErrors.length,
      `${r.loadAverage.start[0]} → ${r.loadAverage.end[0]}`,
    ].join(' | ')} |`,
  );
}
for (const r of runs) {
  console.log(`killed ${r.victimName}: survivors' handoffs (s from the kill): ${r.handoffs.join('; ')}`);
  console.log(`killed ${r.victimName}: during the live namespaces' longest stretch after the kill, the survivors sent ${r.liveStretchCreates.inDead} creates of Observations in the dead pod's namespaces, ${r.liveStretchCreates.inLive} in the live ones`);
}
console.log(JSON.stringify(runs.map((r) => ({ ...r, final: { ...r.final, missing: r.final.missing.length, duplicated: r.final.duplicated.length, countsNotOne: r.final.countsNotOne.length, strays: r.final.strays.length } }))));
