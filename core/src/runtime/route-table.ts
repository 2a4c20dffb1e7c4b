import type { SourceInstance } from './source-instance.js';

/** Who wants a path, and how old the claim is: the oldest claimant owns the path. */
export interface RouteClaim {
  id: string;
  path: string;
  /** Orders claimants (an Ingester's creationTimestamp, a config source's index); oldest wins. */
  order: string;
}

/** Told which claimants gained or lost a path, so their owners can reconcile them. */
export type RouteListener = (change: { path: string; gained?: string; lost?: string }) => void;

function normalize(path: string): string {
  const p = path.split('?')[0];
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

/**
 * Webhook paths: who may serve each one, and the instance serving it. This is the one place
 * route ownership is decided. Several sources may claim a path; the oldest claim owns it (a tie,
 * within the one-second resolution of creation times, keeps the current owner, so nothing
 * flaps), the others wait, and when the owner lets go the next oldest gains it. Routes change at
 * run time (Ingesters come and go), which fastify's router cannot do after listen, so one
 * `/ingest/*` route dispatches through this table.
 */
export class RouteTable {
  private readonly claims = new Map<string, RouteClaim[]>();
  private readonly owners = new Map<string, string>();
  private readonly serving = new Map<string, SourceInstance>();
  private readonly listeners: RouteListener[] = [];

  onChange(listener: RouteListener): void {
    this.listeners.push(listener);
  }

  /** The instance serving `path`, if any. */
  get(path: string): SourceInstance | undefined {
    return this.serving.get(normalize(path));
  }

  /**
   * Claims `path` for `id` (replacing any earlier claim of `id`, which may be on another path).
   * Returns the id that owns the path afterwards.
   */
  claim(claim: RouteClaim): string {
    const path = normalize(claim.path);
    this.release(claim.id, path);
    const list = (this.claims.get(path) ?? []).filter((c) => c.id !== claim.id);
    list.push({ ...claim, path });
    this.claims.set(path, list);
    return this.settle(path);
  }

  /** Withdraws every claim of `id` (but on `keep`), handing freed paths to the next claimant. */
  release(id: string, keep?: string): void {
    for (const [path, list] of this.claims) {
      if (path === keep) continue;
      const i = list.findIndex((c) => c.id === id);
      if (i < 0) continue;
      list.splice(i, 1);
      if (list.length === 0) this.claims.delete(path);
      if (this.serving.get(path)?.id === id) this.serving.delete(path);
      this.settle(path);
    }
  }

  /** Whether `id` owns the path it claimed. */
  owns(id: string, path: string): boolean {
    return this.owners.get(normalize(path)) === id;
  }

  /** The owner of `path` other than `id`, if any. */
  holder(path: string, id: string): string | undefined {
    const owner = this.owners.get(normalize(path));
    return owner !== undefined && owner !== id ? owner : undefined;
  }

  /** Serves `path` with `instance`, which must own it. */
  serve(instance: SourceInstance): void {
    if (!instance.webhookPath) return;
    const path = normalize(instance.webhookPath);
    if (this.owners.get(path) !== instance.id) throw new Error(`${instance.id} does not own ${path}`);
    this.serving.set(path, instance);
  }

  /** Stops serving `instance` (its claim stays). */
  unserve(instance: SourceInstance): void {
    if (!instance.webhookPath) return;
    const path = normalize(instance.webhookPath);
    if (this.serving.get(path) === instance) this.serving.delete(path);
  }

  paths(): string[] {
    return [...this.serving.keys()].sort();
  }

  private settle(path: string): string {
    const before = this.owners.get(path);
    const list = this.claims.get(path) ?? [];
    let owner: RouteClaim | undefined;
    for (const c of list) {
      if (!owner || c.order < owner.order || (c.order === owner.order && c.id === before)) owner = c;
    }
    if (owner) this.owners.set(path, owner.id);
    else this.owners.delete(path);
    if (owner?.id !== before) {
      if (before !== undefined && this.serving.get(path)?.id === before) this.serving.delete(path);
      for (const l of this.listeners) l({ path, gained: owner?.id, lost: before });
    }
    return owner?.id ?? '';
  }
}
