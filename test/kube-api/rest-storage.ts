// The generic registry store (k8s.io/apiserver registry/generic/registry.Store): create,
// update, status update, delete with finalizers and preconditions — the semantics every
// resource shares. HTTP handlers and the built-in controllers (namespace, CRD) both use it.
import { randomUUID } from 'node:crypto';
import type { FieldError } from './field-errors.ts';
import { GoValue, invalidValue } from './field-errors.ts';
import type { FieldWriter } from './managed-fields.ts';
import { updatedManagedFields } from './managed-fields.ts';
import { warningHeader } from './http-io.ts';
import { generateName, nowRfc3339, validateGenerateName, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { clone, deepEqual } from './patch.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { apiVersionOf } from './resource-types.ts';
import type { GroupResource } from './status.ts';
import { OPTIMISTIC_LOCK_MESSAGE, alreadyExists, badRequest, conflict, invalid, notFound, preconditionFailed, rawServerError } from './status.ts';
import type { Store } from './store.ts';

/** etcd's default request limit; larger objects fail with the raw etcd error. */
const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

export interface WriteOptions {
  dryRun?: boolean;
  /** The request's field manager; without one (controllers, tests) managedFields stay as they are. */
  writer?: FieldWriter;
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface DeleteResult {
  obj: Obj;
  /** false while finalizers keep the object (it now has a deletionTimestamp). */
  deleted: boolean;
}

/** Lifecycle rules of the built-in controllers, consulted by the generic store. */
export interface Lifecycle {
  admitCreate(t: ResourceType, namespace: string, name: string): void;
  /** Takes over deletion of special objects (namespaces, CRDs); undefined = generic delete. */
  delete?(t: ResourceType, existing: Obj, opts: DeleteOptions): DeleteResult | undefined;
  afterWrite?(t: ResourceType, obj: Obj, deleted: boolean): void;
}

export function groupResource(t: ResourceType): GroupResource {
  return { group: t.group, resource: t.plural };
}

function finalizersPending(t: ResourceType, o: Obj): boolean {
  return (o.metadata.finalizers?.length ?? 0) > 0 || (t.extraFinalizers?.(o).length ?? 0) > 0;
}

function nonMetadata(o: Obj): Obj {
  const { metadata: _m, ...rest } = o;
  return rest;
}

function withoutRv(o: Obj): Obj {
  const { resourceVersion: _rv, ...meta } = o.metadata ?? {};
  return { ...o, metadata: meta };
}

export class RestStorage {
  readonly store: Store;
  lifecycle: Lifecycle;

  constructor(store: Store, lifecycle: Lifecycle) {
    this.store = store;
    this.lifecycle = lifecycle;
  }

  storageKey(t: ResourceType, ns: string, name: string): string {
    return t.namespaced ? `${t.etcdPrefix}/${ns}/${name}` : `${t.etcdPrefix}/${name}`;
  }

  get(t: ResourceType, ns: string, name: string): Obj {
    const o = this.store.get(t.storageKey, t.namespaced ? ns : '', name);
    if (!o) throw notFound(groupResource(t), name);
    return o;
  }

  /** Body apiVersion/kind must name this endpoint's type when present (and must be present for CRs). */
  checkTypeMeta(t: ResourceType, body: Obj): void {
    const expected = apiVersionOf(t);
    if (t.custom && !body.kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body)}'`);
    if (body.apiVersion !== undefined && body.apiVersion !== expected) {
      const err = badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`);
      // A custom resource body is decoded with the schema of the version it names before this
      // check; a version the CRD does not serve has none, so every field was unknown.
      const [group, version] = String(body.apiVersion).split('/');
      if (t.custom && group === t.group && !t.servedVersions?.includes(version)) {
        const unknown = Object.keys(body).filter((k) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata');
        if (unknown.length) err.headers.Warning = warningHeader(unknown.map((k) => `unknown field ${JSON.stringify(k)}`));
      }
      throw err;
    }
    if (body.kind !== undefined && body.kind !== t.kind) {
      // The custom resource validator says it as a field error; typed decoders refuse it outright.
      if (t.custom) throw invalid(t.group, body.kind, body.metadata?.name ?? '', [invalidValue('kind', body.kind, `must be ${t.kind}`)]);
      throw badRequest(`the kind in the data (${body.kind}) does not match the expected kind (${t.kind})`);
    }
  }

  private checkSize(o: Obj): void {
    if (JSON.stringify(o).length > MAX_OBJECT_BYTES) throw rawServerError('etcdserver: request is too large');
  }

  private fail(t: ResourceType, name: string, errs: FieldError[]): void {
    if (errs.length) throw invalid(t.errorGroup ?? t.group, t.kind, name, errs);
  }

  /** `obj` is a decoded body (storage shape); `ns` comes from the URL. */
  create(t: ResourceType, ns: string, obj: Obj, opts: WriteOptions & { viaUpdate?: boolean } = {}): Obj {
    const meta: Obj = { ...(obj.metadata ?? {}) };
    obj.metadata = meta;
    // etcd3's Create refuses a set (parseable, non-zero) resourceVersion with a plain error,
    // which reaches the client as a reason-less 500; create-on-update does not go through it.
    if (!opts.viaUpdate && !opts.dryRun && /^\d+$/.test(meta.resourceVersion ?? '') && Number(meta.resourceVersion) !== 0) {
      throw rawServerError('resourceVersion should not be set on objects to be created');
    }
    if (t.namespaced) {
      if (meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      meta.namespace = ns;
    } else {
      delete meta.namespace;
    }
    // Admission runs before the name is generated, so its errors name only a given name.
    this.lifecycle.admitCreate(t, t.namespaced ? ns : '', meta.name ?? '');
    const generatedName = !meta.name && !!meta.generateName;
    if (generatedName) meta.name = generateName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowRfc3339();
    for (const k of ['resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']) delete meta[k];
    if (t.generation) meta.generation = 1;
    else delete meta.generation;
    // The field manager sees the decoded request, before the strategy resets or adds fields.
    const managed = opts.writer ? updatedManagedFields(t, undefined, t.encode(obj), opts.writer) : undefined;
    if (t.custom && t.statusSubresource) delete obj.status;
    t.prepareForCreate?.(obj);
    if (managed) meta.managedFields = managed;
    this.fail(t, meta.name ?? '', [...validateGenerateName(meta, t.nameRule), ...validateObjectMeta(meta, t.nameRule, t.namespaced), ...(t.validate?.(obj, undefined) ?? [])]);
    this.checkSize(obj);
    const clash = this.store.get(t.storageKey, meta.namespace ?? '', meta.name);
    if (clash) {
      // A generated name that collides is generated again (the real server retries, since 1.30).
      const retry = generatedName && Array.from({ length: 7 }, () => generateName(meta.generateName)).find((n) => !this.store.get(t.storageKey, meta.namespace ?? '', n));
      if (!retry) {
        const err = alreadyExists(groupResource(t), meta.name);
        // The store says why when the existing object is only waiting for its finalizers.
        if (clash.metadata.deletionTimestamp) err.status.message = `object is being deleted: ${err.status.message}`;
        throw err;
      }
      meta.name = retry;
    }
    if (opts.dryRun) return obj;
    const stored = this.store.create(t.storageKey, obj);
    this.lifecycle.afterWrite?.(t, stored, false);
    return stored;
  }

  /**
   * PUT semantics. `subresource` 'status' keeps everything but status from the current object.
   * Returns `created` when a type that allows create-on-update (Events) did not exist yet.
   */
  update(t: ResourceType, ns: string, name: string, obj: Obj, opts: WriteOptions & { subresource?: string } = {}): { obj: Obj; created: boolean } {
    const meta: Obj = { ...(obj.metadata ?? {}) };
    obj.metadata = meta;
    if (meta.name !== undefined && meta.name !== name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    if (t.namespaced && meta.namespace && meta.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const existing = this.store.get(t.storageKey, t.namespaced ? ns : '', name);
    if (!existing) {
      if (t.allowCreateOnUpdate && !opts.subresource) {
        meta.name = name;
        return { obj: this.create(t, ns, obj, { ...opts, viaUpdate: true }), created: true };
      }
      throw notFound(groupResource(t), name);
    }
    const gr = groupResource(t);
    const managed = opts.writer ? updatedManagedFields(t, t.encode(existing), t.encode(obj), opts.writer) : existing.metadata.managedFields;
    if (!meta.resourceVersion) {
      if (!t.allowUnconditionalUpdate) this.fail(t, name, [invalidValue('metadata.resourceVersion', new GoValue('0x0'), 'must be specified for an update')]);
    } else if (meta.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(gr, name, OPTIMISTIC_LOCK_MESSAGE);
    }
    if (meta.uid && meta.uid !== existing.metadata.uid) {
      throw preconditionFailed(gr, name, this.storageKey(t, ns, name), `UID in precondition: ${meta.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    let next: Obj;
    if (opts.subresource === 'status') {
      next = { ...existing };
      if (obj.status !== undefined) next.status = obj.status;
      else delete next.status;
    } else if (opts.subresource === 'finalize') {
      // Namespace /finalize: the only way to change spec.finalizers.
      next = { ...existing, spec: { ...(existing.spec ?? {}), finalizers: obj.spec?.finalizers ?? [] } };
    } else {
      next = obj;
      const em = existing.metadata;
      next.metadata = { ...meta, name, uid: em.uid, creationTimestamp: em.creationTimestamp };
      if (t.namespaced) next.metadata.namespace = ns;
      for (const k of ['generation', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
        if (em[k] !== undefined) next.metadata[k] = em[k];
        else delete next.metadata[k];
      }
      delete next.metadata.managedFields;
      delete next.metadata.selfLink;
      if (t.statusSubresource) {
        if (existing.status !== undefined) next.status = existing.status;
        else delete next.status;
      }
      t.prepareForUpdate?.(next, existing);
      if (t.generation && !deepEqual(nonMetadata(next), nonMetadata(existing))) next.metadata.generation = (em.generation ?? 0) + 1;
    }
    next.metadata = { ...next.metadata };
    if (managed) next.metadata.managedFields = managed;
    else delete next.metadata.managedFields;
    // BeforeUpdate validates the metadata update and so does every type's ValidateUpdate: its
    // errors come twice in the causes (the message drops the duplicate).
    const metaUpdate = validateObjectMetaUpdate(next.metadata, existing.metadata);
    this.fail(t, name, [...validateObjectMeta(next.metadata, t.nameRule, t.namespaced), ...metaUpdate, ...metaUpdate, ...(t.validate?.(next, existing, opts.subresource) ?? [])]);
    this.checkSize(next);
    // An update that changes nothing is not written: no new resourceVersion, no watch event.
    if (deepEqual(withoutRv(next), withoutRv(existing))) return { obj: existing, created: false };
    if (opts.dryRun) return { obj: next, created: false };
    if (existing.metadata.deletionTimestamp && !finalizersPending(t, next)) {
      // The update that removes the last finalizer deletes the stored object: watchers get its
      // last stored state (etcd's previous value), the writer gets what it sent.
      const gone = this.store.delete(t.storageKey, existing);
      this.lifecycle.afterWrite?.(t, gone, true);
      return { obj: { ...next, metadata: { ...next.metadata, resourceVersion: gone.metadata.resourceVersion } }, created: false };
    }
    const stored = this.store.update(t.storageKey, next, existing);
    this.lifecycle.afterWrite?.(t, stored, false);
    return { obj: stored, created: false };
  }

  /**
   * rest.BeforeDelete checks DeleteOptions preconditions before storage does, naming the object
   * by Kind (not resource) in a Conflict.
   */
  checkPreconditions(t: ResourceType, existing: Obj, pre: DeleteOptions['preconditions']): void {
    const byKind = { group: t.group, resource: t.kind };
    const name = existing.metadata.name;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(byKind, name, `the UID in the precondition (${pre.uid}) does not match the UID in record (${existing.metadata.uid}). The object might have been deleted and then recreated`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        byKind,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${existing.metadata.resourceVersion}). The object might have been modified`,
      );
    }
  }

  delete(t: ResourceType, ns: string, name: string, opts: DeleteOptions = {}): DeleteResult {
    const existing = this.get(t, ns, name);
    this.checkPreconditions(t, existing, opts.preconditions);
    const special = this.lifecycle.delete?.(t, existing, opts);
    if (special) return special;
    return this.deleteObject(t, existing, opts);
  }

  /** Generic deletion: finalizers turn it into setting deletionTimestamp, else the object goes. */
  deleteObject(t: ResourceType, existing: Obj, opts: WriteOptions = {}): DeleteResult {
    if (finalizersPending(t, existing)) {
      if (existing.metadata.deletionTimestamp) return { obj: existing, deleted: false };
      const meta = { ...existing.metadata, deletionTimestamp: nowRfc3339(), deletionGracePeriodSeconds: 0 };
      if (meta.generation > 0) meta.generation++;
      const next = { ...existing, metadata: meta };
      if (opts.dryRun) return { obj: next, deleted: false };
      const stored = this.store.update(t.storageKey, next, existing);
      this.lifecycle.afterWrite?.(t, stored, false);
      return { obj: stored, deleted: false };
    }
    if (opts.dryRun) return { obj: existing, deleted: true };
    const gone = this.store.delete(t.storageKey, existing);
    this.lifecycle.afterWrite?.(t, gone, true);
    return { obj: gone, deleted: true };
  }

  /** Writes a server-side change (controllers): no preconditions, no validation. */
  systemUpdate(t: ResourceType, existing: Obj, mutate: (o: Obj) => void): Obj {
    const next = clone(existing);
    mutate(next);
    if (deepEqual(withoutRv(next), withoutRv(existing))) return existing;
    if (next.metadata.deletionTimestamp && !finalizersPending(t, next)) {
      const gone = this.store.delete(t.storageKey, next);
      this.lifecycle.afterWrite?.(t, gone, true);
      return gone;
    }
    const stored = this.store.update(t.storageKey, next, existing);
    this.lifecycle.afterWrite?.(t, stored, false);
    return stored;
  }
}
