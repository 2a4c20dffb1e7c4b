// What apiextensions-apiserver's controllers do with a CRD: accept its names and mark it
// Established (a short delay after creation, during which its resource is not served yet),
// serve its versions, and on delete go Terminating, delete every instance, then disappear.
import type { ApiRegistry } from './api-registry.ts';
import { CLEANUP_FINALIZER, customResourceTypes } from './crd-types.ts';
import { nowRfc3339 } from './object-meta.ts';
import type { DeleteResult, RestStorage } from './rest-storage.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { CRDS } from './resource-types.ts';
import { methodNotSupported } from './status.ts';

export interface CrdSettings {
  /** Time from CRD creation to Established (the real one takes from milliseconds to a few seconds). */
  crdEstablishDelayMs: number;
}

function condition(crd: Obj, type: string): Obj | undefined {
  return (crd.status?.conditions ?? []).find((c: Obj) => c.type === type);
}

export function isEstablished(crd: Obj): boolean {
  return condition(crd, 'Established')?.status === 'True';
}

function setCondition(crd: Obj, c: Obj): void {
  const list: Obj[] = crd.status.conditions ?? (crd.status.conditions = []);
  const i = list.findIndex((x) => x.type === c.type);
  const prev = i >= 0 ? list[i] : undefined;
  const next = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : nowRfc3339() };
  if (i >= 0) list[i] = next;
  else list.push(next);
}

export class CrdController {
  private storage: RestStorage;
  private registry: ApiRegistry;
  private settings: CrdSettings;
  private timers = new Set<NodeJS.Timeout>();
  private establishing = new Set<string>();
  private onRemoved: (storageKey: string) => void;
  /** When each CR storage became served (for the optional first-watch 429 warm-up fault). */
  readonly establishedAt = new Map<string, number>();

  constructor(storage: RestStorage, registry: ApiRegistry, settings: CrdSettings, onRemoved: (storageKey: string) => void) {
    this.storage = storage;
    this.registry = registry;
    this.settings = settings;
    this.onRemoved = onRemoved;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  admitCreate(t: ResourceType): void {
    if (!t.crdName) return;
    const crd = this.storage.store.get(CRDS.storageKey, '', t.crdName);
    if (crd?.metadata.deletionTimestamp) throw methodNotSupported({ group: t.group, resource: t.plural }, 'create');
  }

  afterWrite(crd: Obj, deleted: boolean): void {
    const name = crd.metadata.name;
    if (deleted) {
      const key = `${crd.spec.group}/${crd.spec.names.plural}`;
      this.registry.removeWhere((t) => t.crdName === name);
      this.establishedAt.delete(key);
      this.storage.store.dropCollection(key);
      this.onRemoved(key);
      return;
    }
    if (isEstablished(crd)) {
      // Schema and version changes take effect at once, as in the real server.
      this.registry.removeWhere((t) => t.crdName === name);
      for (const t of customResourceTypes(crd)) this.registry.add(t);
      const key = `${crd.spec.group}/${crd.spec.names.plural}`;
      if (!this.establishedAt.has(key)) this.establishedAt.set(key, Date.now());
      return;
    }
    if (!this.establishing.has(name) && !crd.metadata.deletionTimestamp) {
      this.establishing.add(name);
      this.later(this.settings.crdEstablishDelayMs, () => this.establish(name));
    }
  }

  private establish(name: string): void {
    this.establishing.delete(name);
    const crd = this.storage.store.get(CRDS.storageKey, '', name);
    if (!crd || crd.metadata.deletionTimestamp) return;
    const plural = crd.spec.names.plural;
    const taken = this.registry.all().some((t) => t.group === crd.spec.group && t.plural === plural && t.crdName !== name);
    this.storage.systemUpdate(CRDS, crd, (o) => {
      if (taken) {
        setCondition(o, { type: 'NamesAccepted', status: 'False', reason: 'PluralConflict', message: `"${plural}" is already in use` });
        setCondition(o, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' });
        return;
      }
      const n = o.spec.names;
      o.status.acceptedNames = { plural: n.plural, singular: n.singular, kind: n.kind, listKind: n.listKind };
      if (n.shortNames) o.status.acceptedNames.shortNames = n.shortNames;
      if (n.categories) o.status.acceptedNames.categories = n.categories;
      setCondition(o, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' });
      setCondition(o, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' });
    });
  }

  delete(existing: Obj, dryRun: boolean): DeleteResult {
    if (existing.metadata.deletionTimestamp || dryRun) return { obj: existing, deleted: false };
    const obj = this.storage.systemUpdate(CRDS, existing, (o) => {
      o.metadata.deletionTimestamp = nowRfc3339();
      o.metadata.deletionGracePeriodSeconds = 0;
      o.metadata.finalizers = [...new Set([...(o.metadata.finalizers ?? []), CLEANUP_FINALIZER])];
      setCondition(o, {
        type: 'Terminating',
        status: 'True',
        reason: 'InstanceDeletionPending',
        message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
      });
    });
    this.later(0, () => this.cleanup(existing.metadata.name));
    return { obj, deleted: false };
  }

  private cleanup(name: string): void {
    const crd = this.storage.store.get(CRDS.storageKey, '', name);
    if (!crd) return;
    const t = this.registry.all().find((x) => x.crdName === name);
    let remaining = 0;
    if (t) {
      for (const o of [...this.storage.store.list(t.storageKey)]) {
        if (!this.storage.deleteObject(t, o).deleted) remaining++;
      }
    }
    if (remaining > 0) {
      this.storage.systemUpdate(CRDS, crd, (o) =>
        setCondition(o, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }),
      );
      this.later(100, () => this.cleanup(name));
      return;
    }
    this.storage.systemUpdate(CRDS, crd, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
    });
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.establishing.clear();
  }
}
