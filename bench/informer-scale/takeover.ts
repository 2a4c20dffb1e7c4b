// The takeover step of the scale benchmark: the Lease holder is SIGKILLed after the sync, and
// the survivors (one or more) take its work. With three replicas the dead pod's partitions are
// split between two survivors, each catching up on what it took, so "caught up" means every
// survivor that took something has finished the catch-up of each take.
import { GiveUp, waitFor } from '../../test/harness/wait-for.ts';
import type { ZenWatcherProcess } from '../../test/harness/zen-watcher-process.ts';

export interface TakeoverOptions {
  mode: 'partitioned' | 'leader';
  /** INFORMER_PARTITIONS of the processes. */
  partitions: number;
  catchUpTimeoutMs: number;
  /** Why a process is gone, for the error that stops the run. */
  exited(p: ZenWatcherProcess): string;
}

export interface Takeover {
  /** From the kill to the survivors having all the work (a new leader, or every partition held). */
  toOwnSeconds: number;
  /** From then to every catch-up done. */
  catchUpSeconds: number;
  /** The survivors that took work. */
  by: ZenWatcherProcess[];
}

const CAUGHT_UP = 'informer source caught up';
const TAKEN = 'partitions taken';

export async function takeOver(victim: ZenWatcherProcess, survivors: ZenWatcherProcess[], opts: TakeoverOptions): Promise<Takeover> {
  const alive = () => {
    for (const p of survivors) if (!p.running) throw new GiveUp(opts.exited(p));
  };
  const before = new Map(survivors.map((p) => [p, { caughtUp: p.logged(CAUGHT_UP).length, taken: p.logged(TAKEN).length }]));
  const caughtUp = (p: ZenWatcherProcess) => p.logged(CAUGHT_UP).length - before.get(p)!.caughtUp;
  const takes = (p: ZenWatcherProcess) => p.logged(TAKEN).slice(before.get(p)!.taken);
  const metricOf = (p: ZenWatcherProcess, name: string) => p.metric(name).catch(() => 0);
  // What the victim held: the survivors' logs must show at least that much taken (a log line may
  // arrive after the metric that says every partition is held).
  const victimHeld = opts.mode === 'partitioned' ? await metricOf(victim, 'zenwatcher_partitions_owned') : 0;

  const killedAt = performance.now();
  await victim.stop('SIGKILL');
  const hasAll = async () => {
    if (opts.mode === 'leader') return (await Promise.all(survivors.map((p) => metricOf(p, 'zenwatcher_is_leader')))).some((x) => x === 1);
    const owned = await Promise.all(survivors.map((p) => metricOf(p, 'zenwatcher_partitions_owned')));
    return owned.reduce((a, b) => a + b, 0) === opts.partitions;
  };
  await waitFor('the survivors to have all the work', async () => (alive(), await hasAll()), { timeoutMs: 60_000, intervalMs: 100 });
  const ownedAt = performance.now();

  // Leader mode: the new leader starts the informers (one catch-up). Partitioned: one catch-up per take.
  const leader = opts.mode === 'leader' ? (await Promise.all(survivors.map(async (p) => ((await metricOf(p, 'zenwatcher_is_leader')) === 1 ? p : undefined)))).find(Boolean) : undefined;
  const owed = (p: ZenWatcherProcess) => (opts.mode === 'leader' ? (p === leader ? 1 : 0) : takes(p).length);
  const takenTotal = () => survivors.flatMap(takes).reduce((n, l) => n + ((l.partitions as number[] | undefined)?.length ?? 0), 0);
  await waitFor('the survivors to catch up', () => (alive(), takenTotal() >= victimHeld && survivors.every((p) => caughtUp(p) >= owed(p))), { timeoutMs: opts.catchUpTimeoutMs, intervalMs: 100 });
  const caughtUpAt = performance.now();
  const by = survivors.filter((p) => owed(p) > 0);
  return { toOwnSeconds: (ownedAt - killedAt) / 1000, catchUpSeconds: (caughtUpAt - ownedAt) / 1000, by };
}
