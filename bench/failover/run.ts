// Informer failover gap: two real zen-watcher processes against the test API server with the
// default election timings (15 s lease, 10 s renew deadline, 2 s retry). The leader is killed
// (SIGKILL) or stopped (SIGTERM); right after, a source object is created; the gap is the time
// from the signal to that object's Observation existing (written by the new leader).
//   npm run build && node bench/failover/run.ts [--runs 3]
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { ZenCluster } from '../../test/harness/cluster.ts';
import { waitFor } from '../../test/harness/wait-for.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const DEFAULTS = { LEADER_ELECTION_LEASE_DURATION: '15', LEADER_ELECTION_RENEW_DEADLINE: '10', LEADER_ELECTION_RETRY_PERIOD: '2' };

async function once(signal: 'SIGKILL' | 'SIGTERM', run: number) {
  const cluster = await ZenCluster.start({ replicas: 2, env: DEFAULTS });
  try {
    await cluster.applyIngester('findings', { source: 'cm-watch' });
    const leader = await cluster.leader(60_000);
    await cluster.ingesterReady('findings', 'True', undefined, 30_000);
    // Let the leader renew at least once, as in a running cluster.
    await new Promise((r) => setTimeout(r, 2500));
    const follower = cluster.processes.find((p) => p !== leader)!;
    const t0 = Date.now();
    await leader.stop(signal);
    await cluster.createFinding(`after-${run}`, 'new finding');
    await waitFor('the new leader to record it', async () => (await cluster.observations()).some((o) => o.spec.title === `new finding in after-${run}`), { timeoutMs: 60_000, intervalMs: 25 });
    const gapSeconds = (Date.now() - t0) / 1000;
    const failoverMetric = (await follower.metric('zenwatcher_failover_duration_seconds_sum')) / Math.max(1, await follower.metric('zenwatcher_failover_duration_seconds_count'));
    return { gapSeconds: Number(gapSeconds.toFixed(2)), failoverDurationMetricSeconds: Number(failoverMetric.toFixed(2)) };
  } finally {
    await cluster.stop();
  }
}

const out: Record<string, unknown> = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, timings: DEFAULTS };
for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(await once(signal, i));
  out[signal] = samples;
}
console.log(JSON.stringify(out, null, 2));
