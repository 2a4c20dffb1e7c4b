// Namespace lifecycle: the NamespaceLifecycle admission plugin (no creates in a missing or
// terminating namespace) and the namespace controller (a deleted namespace stays Terminating
// until everything in it is gone, finalizers included, then disappears).
import type { DeleteResult, RestStorage } from './rest-storage.ts';
import { groupResource } from './rest-storage.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { NAMESPACES } from './resource-types.ts';
import { forbidden, notFound } from './status.ts';
import type { ApiRegistry } from './api-registry.ts';
import { nowRfc3339 } from './object-meta.ts';

const UNDELETABLE = new Set(['default', 'kube-system', 'kube-public']);

export interface NamespaceSettings {
  /** How long the namespace controller waits before emptying a deleted namespace. */
  namespaceDeletionDelayMs: number;
}

export class NamespaceLifecycle {
  private storage: RestStorage;
  private registry: ApiRegistry;
  private settings: NamespaceSettings;
  private pending = new Map<string, NodeJS.Timeout>();

  constructor(storage: RestStorage, registry: ApiRegistry, settings: NamespaceSettings) {
    this.storage = storage;
    this.registry = registry;
    this.settings = settings;
  }

  admitCreate(t: ResourceType, namespace: string, name: string): void {
    if (!t.namespaced) return;
    const ns = this.storage.store.get(NAMESPACES.storageKey, '', namespace);
    if (!ns) throw notFound(groupResource(NAMESPACES), namespace);
    if (ns.status?.phase === 'Terminating') {
      throw forbidden(groupResource(t), name, `unable to create new content in namespace ${namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  delete(existing: Obj, dryRun: boolean): DeleteResult {
    const name = existing.metadata.name;
    if (UNDELETABLE.has(name)) throw forbidden(groupResource(NAMESPACES), name, 'this namespace may not be deleted');
    // Deleting a namespace that is already terminating answers it as it is (finalizers pending).
    if (existing.metadata.deletionTimestamp || dryRun) return { obj: existing, deleted: false };
    const obj = this.storage.systemUpdate(NAMESPACES, existing, (o) => {
      o.metadata.deletionTimestamp = nowRfc3339();
      o.status = { ...(o.status ?? {}), phase: 'Terminating' };
    });
    this.schedule(name, this.settings.namespaceDeletionDelayMs);
    return { obj, deleted: false };
  }

  private schedule(name: string, delayMs: number): void {
    if (this.pending.has(name)) return;
    const t = setTimeout(() => {
      this.pending.delete(name);
      this.sweep(name);
    }, delayMs);
    t.unref();
    this.pending.set(name, t);
  }

  /** Called after any write: a change inside a terminating namespace may let it finish. */
  afterWrite(t: ResourceType, obj: Obj): void {
    const ns = obj.metadata.namespace;
    if (!t.namespaced || !ns) return;
    const nsObj = this.storage.store.get(NAMESPACES.storageKey, '', ns);
    if (nsObj?.metadata.deletionTimestamp && this.storage.store.countInNamespace(ns) === 0) this.schedule(ns, 0);
  }

  private sweep(name: string): void {
    const ns = this.storage.store.get(NAMESPACES.storageKey, '', name);
    if (!ns?.metadata.deletionTimestamp) return;
    const remaining: Record<string, number> = {};
    const withFinalizers: Record<string, number> = {};
    for (const t of this.namespacedStorageTypes()) {
      for (const o of [...this.storage.store.list(t.storageKey, name)]) {
        const r = this.storage.deleteObject(t, o);
        if (!r.deleted) {
          const label = t.group ? `${t.plural}.${t.group}` : t.plural;
          remaining[label] = (remaining[label] ?? 0) + 1;
          for (const f of o.metadata.finalizers ?? []) withFinalizers[f] = (withFinalizers[f] ?? 0) + 1;
        }
      }
    }
    if (Object.keys(remaining).length === 0) {
      // Content gone: the `kubernetes` finalizer is removed, which lets the namespace go.
      this.storage.systemUpdate(NAMESPACES, ns, (o) => {
        o.spec = { ...(o.spec ?? {}), finalizers: (o.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes') };
      });
      return;
    }
    const now = nowRfc3339();
    this.storage.systemUpdate(NAMESPACES, ns, (o) => {
      o.status.conditions = [
        {
          type: 'NamespaceContentRemaining',
          status: 'True',
          lastTransitionTime: now,
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${Object.entries(remaining).map(([k, n]) => `${k} has ${n} resource instances`).join(', ')}`,
        },
        {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          lastTransitionTime: now,
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${Object.entries(withFinalizers).map(([k, n]) => `${k} in ${n} resource instances`).join(', ')}`,
        },
      ];
    });
  }

  private namespacedStorageTypes(): ResourceType[] {
    const seen = new Set<string>();
    const out: ResourceType[] = [];
    for (const t of this.registry.all()) {
      if (!t.namespaced || seen.has(t.storageKey)) continue;
      seen.add(t.storageKey);
      out.push(t);
    }
    return out;
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
