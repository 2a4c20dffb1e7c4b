import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { KubeApiError, microTime, type KubeHttp } from '../kube/kube-http.js';
import type { Runnable } from '../runtime/manager.js';

export interface ElectionTiming {
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

export const CHECKPOINT_ANNOTATION = 'zen.kube-zen.io/checkpoints';

export interface LeaderCallbacks {
  /**
   * Starts leader-only work; `signal` aborts when leadership ends. `checkpoints` are what the
   * previous leader last wrote on the Lease. Resolves once the work runs.
   */
  onStartedLeading(signal: AbortSignal, checkpoints: Record<string, string>): Promise<void>;
  /** What to checkpoint on the Lease at each renewal (event streams' resourceVersions). */
  checkpoints?(): Record<string, string>;
  /** Called once leader-only work must stop (lost, stepped down, or released). Must not throw. */
  onStoppedLeading(): Promise<void>;
}

export interface LeaseElectorOptions {
  http: KubeHttp;
  /** Namespace and name of the Lease. */
  namespace: string;
  name: string;
  /** This candidate (the pod name). */
  identity: string;
  timing: ElectionTiming;
  callbacks: LeaderCallbacks;
  metrics: HostMetrics;
  log: Logger;
}

interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; annotations?: Record<string, string> };
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The checkpoints annotation of a Lease (what event streams' resourceVersions were), or none. */
export function parseCheckpoints(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with resourceVersion-checked updates so
 * two candidates can never both win a round. A leader that has not renewed within the renew
 * deadline stops its leader-only work before the lease can expire for anyone else; on shutdown
 * it stops that work first and then releases the lease (empty holder), so a follower — which
 * watches the Lease — takes over at once instead of waiting out the lease duration.
 */
export class LeaseElector implements Runnable {
  readonly name = 'leader-election';
  private leading = false;
  private lastRenew = 0;
  private observed?: { rv: string; at: number; holder: string };
  private leaderAbort?: AbortController;
  private readonly ended = new AbortController();
  private wake?: () => void;
  private loop?: Promise<void>;
  private deadlineTimer?: NodeJS.Timeout;
  private lease?: LeaseObject;
  private readonly path: string;

  readonly runs = 'always';
  readonly identity: string;
  private readonly http: KubeHttp;
  private readonly namespace: string;
  private readonly leaseName: string;
  private readonly timing: ElectionTiming;
  private readonly callbacks: LeaderCallbacks;
  private readonly metrics: HostMetrics;
  private readonly log: Logger;

  constructor(opts: LeaseElectorOptions) {
    this.http = opts.http;
    this.namespace = opts.namespace;
    this.leaseName = opts.name;
    this.identity = opts.identity;
    this.timing = opts.timing;
    this.callbacks = opts.callbacks;
    this.metrics = opts.metrics;
    this.log = opts.log;
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${opts.namespace}/leases`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    this.metrics.isLeader.set(0);
    this.loop = this.run();
    void this.watchLease();
  }

  stop(): Promise<void> {
    return this.close();
  }

  private async run(): Promise<void> {
    const retryMs = this.timing.retryPeriodSeconds * 1000;
    while (!this.ended.signal.aborted) {
      await this.tick(retryMs);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void sleep(retryMs, this.ended.signal).then(resolve);
      });
      this.wake = undefined;
    }
  }

  private async tick(timeoutMs: number): Promise<void> {
    try {
      const acquired = await this.tryAcquireOrRenew(timeoutMs);
      // A round that ends after close() began must not start leader work: close releases the Lease.
      if (acquired && !this.leading && !this.ended.signal.aborted) void this.becomeLeader();
      else if (!acquired && this.leading) await this.stepDown('another holder has the lease');
    } catch (err) {
      // Transient: a leader keeps leading until the renew deadline timer says otherwise.
      this.log.debug({ err }, 'lease attempt failed');
    }
  }

  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const now = new Date();
    let lease: LeaseObject | undefined;
    try {
      lease = await this.http.request<LeaseObject>({ method: 'GET', path: `${this.path}/${this.leaseName}`, timeoutMs });
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.timing.leaseDurationSeconds),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    if (!lease) {
      const created = await this.http.request<LeaseObject>({ method: 'POST', path: this.path, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.leaseName, namespace: this.namespace }, spec }, timeoutMs });
      this.inherited = {};
      this.recordRenew(created, undefined);
      return true;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    const rv = lease.metadata.resourceVersion ?? '';
    if (!this.observed || this.observed.rv !== rv) this.observed = { rv, at: performance.now(), holder };
    if (holder && holder !== this.identity) {
      // Expiry by our own clock since we last saw the record change: immune to clock skew.
      const duration = (lease.spec?.leaseDurationSeconds ?? this.timing.leaseDurationSeconds) * 1000;
      if (performance.now() - this.observed.at < duration) return false;
    }
    const mine = holder === this.identity;
    if (!mine) this.inherited = parseCheckpoints(lease.metadata.annotations?.[CHECKPOINT_ANNOTATION]);
    const annotations = { ...lease.metadata.annotations };
    // Only a leader has checkpoints to give; a taker keeps the previous leader's until it has its own.
    if (mine && this.leading && this.callbacks.checkpoints) annotations[CHECKPOINT_ANNOTATION] = JSON.stringify(this.callbacks.checkpoints());
    const next = {
      ...lease,
      metadata: { ...lease.metadata, annotations },
      spec: {
        ...lease.spec,
        ...spec,
        acquireTime: mine ? (lease.spec?.acquireTime ?? spec.acquireTime) : spec.acquireTime,
        leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    const updated = await this.http.request<LeaseObject>({ method: 'PUT', path: `${this.path}/${this.leaseName}`, body: next, timeoutMs });
    this.recordRenew(updated, mine ? undefined : lease.spec?.renewTime);
    return true;
  }

  private previousRenewTime?: string;
  /** The previous leader's checkpoints, read when this pod took the lease over. */
  private inherited: Record<string, string> = {};

  private recordRenew(lease: LeaseObject, previousRenewTime: string | undefined): void {
    this.lease = lease;
    this.lastRenew = performance.now();
    this.observed = { rv: lease.metadata.resourceVersion ?? '', at: this.lastRenew, holder: this.identity };
    if (previousRenewTime) this.previousRenewTime = previousRenewTime;
    this.armDeadline();
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => {
      if (this.leading) void this.stepDown(`no renewal within the renew deadline (${this.timing.renewDeadlineSeconds}s)`);
    }, this.timing.renewDeadlineSeconds * 1000);
    this.deadlineTimer.unref();
  }

  private async becomeLeader(): Promise<void> {
    this.leading = true;
    this.leaderAbort = new AbortController();
    this.metrics.isLeader.set(1);
    this.metrics.leaderTransitions.inc({ direction: 'acquired' });
    const since = this.previousRenewTime;
    this.previousRenewTime = undefined;
    this.log.info({ lease: `${this.namespace}/${this.leaseName}`, identity: this.identity, previousRenewTime: since }, 'leadership acquired; starting leader-only work');
    try {
      await this.callbacks.onStartedLeading(this.leaderAbort.signal, this.inherited);
    } catch (err) {
      this.log.error({ err }, 'leader-only work failed to start; stepping down');
      await this.stepDown('leader-only work failed to start');
      return;
    }
    if (since && this.leading) {
      const seconds = (Date.now() - Date.parse(since)) / 1000;
      if (Number.isFinite(seconds) && seconds >= 0) {
        this.metrics.failoverDuration.observe(seconds);
        this.log.info({ failoverSeconds: Number(seconds.toFixed(3)) }, 'failover complete: leader-only sources running');
      }
    }
  }

  private async stepDown(why: string): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    clearTimeout(this.deadlineTimer);
    this.leaderAbort?.abort();
    this.metrics.isLeader.set(0);
    this.metrics.leaderTransitions.inc({ direction: 'lost' });
    const heldFor = this.lastRenew ? Math.round(performance.now() - this.lastRenew) : undefined;
    this.log.warn({ why, msSinceLastRenewal: heldFor }, 'leadership lost; leader-only work stopped');
    await this.callbacks.onStoppedLeading();
  }

  /** Watches the Lease so a released lease is taken at once, not at the next retry. */
  private async watchLease(): Promise<void> {
    while (!this.ended.signal.aborted) {
      try {
        await this.http.watch(this.path, { fieldSelector: `metadata.name=${this.leaseName}`, timeoutSeconds: 300 }, (e) => {
          const spec = (e.object as LeaseObject).spec;
          if ((e.type === 'MODIFIED' || e.type === 'DELETED') && !this.leading && !spec?.holderIdentity) {
            if (spec?.renewTime) this.previousRenewTime = spec.renewTime;
            this.observed = undefined;
            this.wake?.();
          }
        }, this.ended.signal);
      } catch {
        // the poll loop still runs; retry the watch after a pause
      }
      await sleep(this.timing.retryPeriodSeconds * 1000, this.ended.signal);
    }
  }

  /** Stops leader-only work, releases the lease if held, and ends the election. Idempotent. */
  async close(): Promise<void> {
    if (this.ended.signal.aborted) return;
    const wasLeading = this.leading;
    // Taken before the event streams stop: the successor resumes exactly here.
    const checkpoints = wasLeading ? this.callbacks.checkpoints?.() : undefined;
    await this.stepDown('shutting down');
    this.ended.abort();
    await this.loop?.catch(() => undefined);
    clearTimeout(this.deadlineTimer);
    // Also a Lease a round still in flight took as we began closing (a failed start): held by
    // nobody running, it would keep followers waiting for its whole duration.
    if (this.lease && (wasLeading || this.lease.spec?.holderIdentity === this.identity)) {
      const now = microTime();
      try {
        await this.http.request({
          method: 'PUT',
          path: `${this.path}/${this.leaseName}`,
          body: {
            ...this.lease,
            metadata: { ...this.lease.metadata, annotations: { ...this.lease.metadata.annotations, ...(checkpoints ? { [CHECKPOINT_ANNOTATION]: JSON.stringify(checkpoints) } : {}) } },
            spec: { ...this.lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
          },
          timeoutMs: 2000,
        });
        this.log.info({ lease: `${this.namespace}/${this.leaseName}` }, 'lease released');
      } catch (err) {
        this.log.warn({ err }, 'could not release the lease; followers take over when it expires');
      }
    }
  }
}
