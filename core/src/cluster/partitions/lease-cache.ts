import type { Logger } from 'pino';
import { InformerRunner } from '../informer-runner.js';
import type { KubeHttp } from '../../kube/kube-http.js';
import type { HostMetrics } from '../../metrics/host-metrics.js';

/** A coordination.k8s.io/v1 Lease as the partition code reads and writes it. */
export interface LeaseObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: { holderIdentity?: string | null; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

export const LEASE_SET_LABEL = 'zen.kube-zen.io/lease-set';
export const LEASE_ROLE_LABEL = 'zen.kube-zen.io/lease-role';

/**
 * The Leases of one release's partitioning (membership and partitions), watched by one
 * label-selected list+watch, with the time each one was last seen to change by this pod's own
 * clock: a Lease is fresh while it changed within its duration, so clock skew between pods
 * never makes a live holder look expired.
 */
export class LeaseCache {
  private readonly leases = new Map<string, { lease: LeaseObject; changedAt: number }>();
  private runner?: InformerRunner;
  private synced = false;
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly opts: { http: KubeHttp; namespace: string; setName: string; metrics: HostMetrics; log: Logger },
  ) {}

  get ready(): boolean {
    return this.synced;
  }

  /** Told whenever a Lease changes (a released partition is taken at once, not at the next tick). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  start(signal: AbortSignal): void {
    this.runner = new InformerRunner({
      http: this.opts.http,
      options: {
        source: 'partitions',
        resource: { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', labelSelector: `${LEASE_SET_LABEL}=${this.opts.setName}` },
        namespace: this.opts.namespace,
        stallSeconds: 600,
      },
      handle: async (type, obj) => {
        const lease = obj as unknown as LeaseObject;
        if (type === 'delete') this.leases.delete(lease.metadata.name);
        else this.seen(lease);
        for (const l of this.listeners) l();
        return 'done';
      },
      metrics: this.opts.metrics,
      log: this.opts.log,
      onSynced: () => (this.synced = true),
    });
    this.runner.start(signal);
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
  }

  /** Records a Lease we read or wrote ourselves (fresher than the watch). */
  seen(lease: LeaseObject): void {
    const prev = this.leases.get(lease.metadata.name);
    const changed = !prev || prev.lease.metadata.resourceVersion !== lease.metadata.resourceVersion;
    this.leases.set(lease.metadata.name, { lease, changedAt: changed ? performance.now() : prev.changedAt });
  }

  get(name: string): LeaseObject | undefined {
    return this.leases.get(name)?.lease;
  }

  /** Its holder, if the Lease is held and changed within its duration. */
  freshHolder(name: string): string | undefined {
    const e = this.leases.get(name);
    const holder = e?.lease.spec?.holderIdentity;
    if (!e || !holder) return undefined;
    return performance.now() - e.changedAt < (e.lease.spec?.leaseDurationSeconds ?? 15) * 1000 ? holder : undefined;
  }

  /** Every Lease of a role (`member`, `partition`). */
  byRole(role: string): LeaseObject[] {
    return [...this.leases.values()].map((e) => e.lease).filter((l) => l.metadata.labels?.[LEASE_ROLE_LABEL] === role);
  }
}
