import type { Logger } from 'pino';
import { KubeApiError, microTime, type KubeHttp } from '../../kube/kube-http.js';
import type { HostMetrics } from '../../metrics/host-metrics.js';
import type { Runnable } from '../../runtime/manager.js';
import { parseCheckpoints, type ElectionTiming } from '../lease-elector.js';
import { LEASE_ROLE_LABEL, LEASE_SET_LABEL, LeaseCache, type LeaseObject } from './lease-cache.js';
import { assignPartitions } from './partitioning.js';

export const PARTITION_CHECKPOINT_ANNOTATION = 'zen.kube-zen.io/checkpoints';

/** What owning partitions starts and stops (the partitioned informer supervisor). */
export interface PartitionWork {
  /** This pod now owns `partitions`; `checkpoints` are what their previous owners left on their Leases. */
  gained(partitions: number[], checkpoints: Map<number, Record<string, string>>): void;
  /** This pod must stop `partitions`: resolves once their work has stopped (before the Leases go). */
  lost(partitions: number[]): Promise<void>;
  /** Where the event streams stand, to leave on a partition's Lease for its next owner. */
  checkpoints(partition: number): Record<string, string>;
}

export interface PartitionOwnerOptions {
  http: KubeHttp;
  namespace: string;
  /** The release's election ID: names the Leases (`<id>-member-<pod>`, `<id>-p<n>`). */
  setName: string;
  identity: string;
  partitions: number;
  timing: ElectionTiming;
  work: PartitionWork;
  metrics: HostMetrics;
  log: Logger;
}

interface Held {
  renewedAt: number;
  lease: LeaseObject;
}

/**
 * Active-active informers: this pod's membership Lease, and the partition Leases it holds. Every
 * retry period it computes, from the live members and the current holders, the same assignment
 * every pod computes (shares within one, holders keep what they may); it releases what it holds
 * beyond its share (after stopping that work), takes what is assigned to it once free or expired
 * (by its own clock), and renews the rest. The leader Lease's safety rules hold per partition:
 * a partition not renewed within the renew deadline is stopped before its Lease can expire for
 * anyone else, and shutdown stops all work and releases every Lease at once.
 */
export class PartitionOwner implements Runnable {
  readonly name = 'partitions';
  readonly runs = 'always';
  private readonly cache: LeaseCache;
  private readonly held = new Map<number, Held>();
  private member?: LeaseObject;
  private memberRenewedAt = 0;
  private loop?: Promise<void>;
  private readonly abort = new AbortController();
  private wake?: () => void;
  private deadlineTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly opts: PartitionOwnerOptions) {
    this.cache = new LeaseCache({ http: opts.http, namespace: opts.namespace, setName: opts.setName, metrics: opts.metrics, log: opts.log });
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.opts.namespace}/leases`;
  }

  private partitionLease(p: number): string {
    return `${this.opts.setName}-p${p}`;
  }

  /** Partitions this pod holds now. */
  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** Who holds partition `p`: this pod, or the fresh holder of its Lease, or nobody. */
  private holderOf(p: number): string | undefined {
    return this.held.has(p) ? this.opts.identity : this.cache.freshHolder(this.partitionLease(p));
  }

  /** Pods holding at least one partition (fresh), for the Ingester status. */
  activePods(): string[] {
    const pods = new Set<string>();
    for (let p = 0; p < this.opts.partitions; p++) {
      const h = this.holderOf(p);
      if (h) pods.add(h);
    }
    return [...pods].sort();
  }

  /** Partitions nobody holds (fresh), by this pod's view. */
  unowned(): number {
    let n = 0;
    for (let p = 0; p < this.opts.partitions; p++) if (!this.holderOf(p)) n++;
    return n;
  }

  waitingFor(): string[] {
    return this.cache.ready ? [] : ['the partition Leases'];
  }

  async start(): Promise<void> {
    this.cache.onChange(() => this.wake?.());
    this.cache.start(this.abort.signal);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const retryMs = this.opts.timing.retryPeriodSeconds * 1000;
    while (!this.abort.signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.opts.log.debug({ err }, 'partition round failed; retrying');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, retryMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
        this.abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
      this.wake = undefined;
    }
  }

  private async tick(): Promise<void> {
    // Renewals first: taking partitions (many requests) must not push held ones past their deadline.
    await Promise.all([this.renewMembership(), this.renewHeld()]);
    if (!this.cache.ready) return;
    const me = this.opts.identity;
    const members = new Set([me]);
    for (const l of this.cache.byRole('member')) {
      const holder = this.cache.freshHolder(l.metadata.name);
      if (holder) members.add(holder);
    }
    const holders = new Map<number, string>();
    for (let p = 0; p < this.opts.partitions; p++) {
      const h = this.holderOf(p);
      if (h) holders.set(p, h);
    }
    const desired = assignPartitions([...members], this.opts.partitions, holders);
    // Release first (after stopping the work), then take: a pod is never above its share for long.
    const release = this.owned().filter((p) => desired.get(p) !== me);
    if (release.length > 0) await this.release(release, 'rebalance');
    const gained: number[] = [];
    const checkpoints = new Map<number, Record<string, string>>();
    const free = [...desired].filter(([p, owner]) => owner === me && !this.held.has(p) && !holders.has(p)).map(([p]) => p);
    const taken = await Promise.all(free.map((p) => this.acquire(p).catch((err: unknown) => void this.opts.log.debug({ err, partition: p }, 'could not take a partition'))));
    free.forEach((p, i) => {
      const t = taken[i];
      if (!t) return;
      gained.push(p);
      checkpoints.set(p, parseCheckpoints(t.previous?.metadata.annotations?.[PARTITION_CHECKPOINT_ANNOTATION]));
      this.opts.metrics.partitionHandoffs.inc({ reason: t.reason });
      const since = t.previous?.spec?.renewTime;
      if (since) {
        const seconds = (Date.now() - Date.parse(since)) / 1000;
        if (Number.isFinite(seconds) && seconds >= 0) this.opts.metrics.partitionHandoffDuration.observe(seconds);
      }
    });
    if (gained.length > 0) {
      this.opts.log.info({ partitions: gained, owned: this.held.size }, 'partitions taken');
      this.opts.work.gained(gained, checkpoints);
    }
    this.opts.metrics.partitionsOwned.set(this.held.size);
    this.opts.metrics.partitionsUnowned.set(this.unowned());
  }

  /** How often a held Lease is renewed: well inside both the lease and the renew deadline. */
  private get renewEveryMs(): number {
    return Math.min(this.opts.timing.leaseDurationSeconds / 3, this.opts.timing.renewDeadlineSeconds / 2) * 1000;
  }

  private async renewMembership(): Promise<void> {
    // A round runs on every Lease change too (another pod's renewal): renew only when due.
    if (this.member && performance.now() - this.memberRenewedAt < this.renewEveryMs) return;
    const name = `${this.opts.setName}-member-${this.opts.identity}`;
    const now = microTime();
    const spec = { holderIdentity: this.opts.identity, leaseDurationSeconds: Math.ceil(this.opts.timing.leaseDurationSeconds), renewTime: now };
    try {
      if (!this.member) {
        const existing = await this.opts.http.request<LeaseObject>({ method: 'GET', path: `${this.path}/${name}` }).catch((err: unknown) => {
          if (err instanceof KubeApiError && err.status === 404) return undefined;
          throw err;
        });
        this.member = existing
          ? await this.put({ ...existing, spec: { ...existing.spec, ...spec, acquireTime: now } })
          : await this.opts.http.request<LeaseObject>({ method: 'POST', path: this.path, body: this.leaseBody(name, 'member', { ...spec, acquireTime: now }) });
      } else this.member = await this.put({ ...this.member, spec: { ...this.member.spec, ...spec } });
      this.memberRenewedAt = performance.now();
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) this.member = undefined; // re-read next round
      throw err;
    }
  }

  private leaseBody(name: string, role: string, spec: LeaseObject['spec']): LeaseObject {
    return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: this.opts.namespace, labels: { [LEASE_SET_LABEL]: this.opts.setName, [LEASE_ROLE_LABEL]: role } }, spec };
  }

  private async put(lease: LeaseObject): Promise<LeaseObject> {
    const updated = await this.opts.http.request<LeaseObject>({ method: 'PUT', path: `${this.path}/${lease.metadata.name}`, body: lease, timeoutMs: this.opts.timing.renewDeadlineSeconds * 1000 });
    this.cache.seen(updated);
    return updated;
  }

  /** Takes a free or expired partition Lease (resourceVersion-checked); undefined if someone else won. */
  private async acquire(p: number): Promise<{ reason: string; previous?: LeaseObject } | undefined> {
    const name = this.partitionLease(p);
    const now = microTime();
    const spec = { holderIdentity: this.opts.identity, leaseDurationSeconds: Math.ceil(this.opts.timing.leaseDurationSeconds), acquireTime: now, renewTime: now };
    const current = this.cache.get(name);
    try {
      let lease: LeaseObject;
      if (!current) lease = await this.opts.http.request<LeaseObject>({ method: 'POST', path: this.path, body: this.leaseBody(name, 'partition', { ...spec, leaseTransitions: 0 }) });
      else lease = await this.put({ ...current, spec: { ...current.spec, ...spec, leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 } });
      this.cache.seen(lease);
      this.held.set(p, { renewedAt: performance.now(), lease });
      this.armDeadline();
      return { reason: !current ? 'created' : current.spec?.holderIdentity ? 'expired' : 'released', previous: current };
    } catch (err) {
      if (err instanceof KubeApiError && (err.status === 409 || err.status === 422)) return undefined;
      throw err;
    }
  }

  private async renewHeld(): Promise<void> {
    const renewEvery = this.renewEveryMs;
    await Promise.all(
      this.owned().map(async (p) => {
        const h = this.held.get(p)!;
        if (performance.now() - h.renewedAt < renewEvery) return;
        try {
          const annotations = { ...h.lease.metadata.annotations, [PARTITION_CHECKPOINT_ANNOTATION]: JSON.stringify(this.opts.work.checkpoints(p)) };
          const lease = await this.put({ ...h.lease, metadata: { ...h.lease.metadata, annotations }, spec: { ...h.lease.spec, renewTime: microTime() } });
          if (this.held.get(p) === h) this.held.set(p, { renewedAt: performance.now(), lease });
        } catch (err) {
          // Someone else holds it now (we were too slow): stop at once.
          if (err instanceof KubeApiError && err.status === 409) await this.lose([p], 'conflict');
          else this.opts.log.debug({ err, partition: p }, 'partition renewal failed; retrying before the renew deadline');
        }
      }),
    );
    this.armDeadline();
  }

  /** Stops what was not renewed within the renew deadline, before anyone else may take it. */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    if (this.held.size === 0 || this.stopped) return;
    const deadline = this.opts.timing.renewDeadlineSeconds * 1000;
    const oldest = Math.min(...[...this.held.values()].map((h) => h.renewedAt));
    this.deadlineTimer = setTimeout(() => {
      const late = this.owned().filter((p) => performance.now() - this.held.get(p)!.renewedAt >= deadline);
      if (late.length > 0) void this.lose(late, 'renew_deadline');
      this.armDeadline();
    }, Math.max(0, oldest + deadline - performance.now()) + 5);
    this.deadlineTimer.unref();
  }

  /** Stops partitions without a word to the API server (it may be unreachable). */
  private async lose(partitions: number[], reason: string): Promise<void> {
    const mine = partitions.filter((p) => this.held.delete(p));
    if (mine.length === 0) return;
    this.opts.log.warn({ partitions: mine, reason }, 'partitions lost; their work is stopped');
    this.opts.metrics.partitionHandoffs.inc({ reason }, mine.length);
    this.opts.metrics.partitionsOwned.set(this.held.size);
    await this.opts.work.lost(mine);
  }

  /** Stops the work of `partitions`, then hands their Leases over (empty holder) with the checkpoints. */
  private async release(partitions: number[], reason: string): Promise<void> {
    const leases = partitions.map((p) => [p, this.held.get(p)] as const).filter((e): e is readonly [number, Held] => e[1] !== undefined);
    // Taken before the work stops: the successor resumes exactly where this pod was.
    const checkpoints = new Map(leases.map(([p]) => [p, this.opts.work.checkpoints(p)]));
    for (const [p] of leases) this.held.delete(p);
    await this.opts.work.lost(leases.map(([p]) => p));
    this.opts.metrics.partitionHandoffs.inc({ reason }, leases.length);
    this.opts.metrics.partitionsOwned.set(this.held.size);
    this.opts.log.info({ partitions: leases.map(([p]) => p), reason }, 'partitions released');
    const now = microTime();
    await Promise.all(
      leases.map(async ([p, h]) => {
        try {
          const annotations = { ...h.lease.metadata.annotations, [PARTITION_CHECKPOINT_ANNOTATION]: JSON.stringify(checkpoints.get(p) ?? {}) };
          await this.put({ ...h.lease, metadata: { ...h.lease.metadata, annotations }, spec: { ...h.lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now } });
        } catch (err) {
          this.opts.log.warn({ err, partition: p }, 'could not release a partition Lease; it is taken once it expires');
        }
      }),
    );
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    clearTimeout(this.deadlineTimer);
    await this.loop?.catch(() => undefined);
    await this.release(this.owned(), 'shutdown');
    if (this.member) {
      await this.opts.http.request({ method: 'DELETE', path: `${this.path}/${this.member.metadata.name}`, timeoutMs: 2000 }).catch((err: unknown) => this.opts.log.debug({ err }, 'could not delete the membership Lease'));
    }
    await this.cache.stop();
  }
}
