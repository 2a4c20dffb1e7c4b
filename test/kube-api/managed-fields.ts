// metadata.managedFields for Update operations, as the apiserver's field manager keeps them
// (structured-merge-diff's Updater behind managedFieldsUpdater): each write records which fields
// its manager changed, takes those fields from other managers, drops removed fields from all,
// and moves the manager's `time` only when it changed something. Server-side apply is not
// served, so every entry is operation Update. Readers such as the configmap source use `time`.
import { OBJECT_META } from './builtin-schemas.ts';
import type { JSONSchemaProps } from './crd-schema.ts';
import { nowRfc3339 } from './object-meta.ts';
import { isObject } from './patch.ts';
import type { Obj } from './resource-types.ts';

/** Who writes: the manager name, the request's apiVersion and subresource. */
export interface FieldWriter {
  manager: string;
  apiVersion: string;
  subresource: string;
}

/** The part of a resource type the field manager needs. */
export interface FieldsSchema {
  custom: boolean;
  statusSubresource: boolean;
  /** Schema of the object in the request's version (built-in Go type or CRD schema). */
  schema?: JSONSchemaProps;
}

const SEP = '\u0000';
// Fields the field manager never tracks (stripmeta.go).
const STRIPPED_META = new Set(['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']);
// Built-in lists with a merge strategy: finalizers are a set, ownerReferences keyed by uid.
const BUILTIN_LISTS: Record<string, string[] | 'set'> = { [`f:metadata${SEP}f:finalizers`]: 'set', [`f:metadata${SEP}f:ownerReferences`]: ['uid'] };

/** The field manager's name: ?fieldManager=, else the User-Agent up to its first '/'. */
export function managerName(fieldManager: string | null, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  return [...(userAgent ?? '').split('/')[0]].filter((c) => c >= ' ' && c !== '\u007f').join('').slice(0, 128);
}

/** path → JSON of a leaf value, or '' for a node that is itself a member (a map, a list item). */
type FieldValues = Map<string, string>;

function childSchema(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties && key in schema.properties) return schema.properties[key];
  if (isObject(schema.additionalProperties)) return schema.additionalProperties;
  return undefined;
}

function walk(v: unknown, schema: JSONSchemaProps | undefined, path: string, custom: boolean, out: FieldValues): void {
  if (isObject(v)) {
    const isMap = custom || isObject(schema?.additionalProperties) || schema?.['x-kubernetes-preserve-unknown-fields'] === true;
    if (isMap || Object.keys(v).length === 0) out.set(path, '');
    for (const [k, x] of Object.entries(v)) walk(x, childSchema(schema, k), `${path}${SEP}f:${k}`, custom, out);
    return;
  }
  if (Array.isArray(v)) {
    const keys = BUILTIN_LISTS[path] ?? (schema?.['x-kubernetes-list-type'] === 'set' ? 'set' : schema?.['x-kubernetes-list-type'] === 'map' ? (schema['x-kubernetes-list-map-keys'] as string[]) : undefined);
    if (!keys) {
      out.set(path, JSON.stringify(v));
      return;
    }
    out.set(path, '');
    for (const item of v) {
      if (keys === 'set') {
        out.set(`${path}${SEP}v:${JSON.stringify(item)}`, JSON.stringify(item));
        continue;
      }
      const id = Object.fromEntries([...keys].sort().map((k) => [k, (item as Obj)?.[k]]));
      walk(item, schema?.items, `${path}${SEP}k:${JSON.stringify(id)}`, custom, out);
      out.set(`${path}${SEP}k:${JSON.stringify(id)}`, '');
    }
    return;
  }
  out.set(path, JSON.stringify(v));
}

/** Every tracked field of an object (in the request's version) with its value. */
export function fieldValues(obj: Obj, t: FieldsSchema): FieldValues {
  const out: FieldValues = new Map();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || v === undefined) continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!STRIPPED_META.has(mk) && mv !== undefined) walk(mv, childSchema(OBJECT_META, mk), `f:metadata${SEP}f:${mk}`, false, out);
      continue;
    }
    walk(v, childSchema(t.schema, k), `f:${k}`, t.custom, out);
  }
  return out;
}

/** fieldsV1 tree → set of paths. */
function pathsOf(tree: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (!isObject(tree)) return out;
  for (const [k, child] of Object.entries(tree)) {
    if (k === '.') continue;
    const p = prefix ? `${prefix}${SEP}${k}` : k;
    if (!isObject(child) || Object.keys(child).length === 0 || '.' in child) out.add(p);
    pathsOf(child, p, out);
  }
  return out;
}

/** Set of paths → fieldsV1 tree (a member that also has children gets "."). */
function treeOf(paths: Set<string>): Obj {
  const root: Obj = {};
  for (const p of [...paths].sort()) {
    let node = root;
    for (const seg of p.split(SEP)) node = node[seg] ??= {};
  }
  const mark = (node: Obj, prefix: string): void => {
    for (const [k, child] of Object.entries(node)) {
      const p = prefix ? `${prefix}${SEP}${k}` : k;
      if (Object.keys(child).length > 0 && paths.has(p)) child['.'] = {};
      mark(child, p);
    }
  };
  mark(root, '');
  return sortKeys(root);
}

function sortKeys(o: Obj): Obj {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, sortKeys(o[k])]));
}

interface Entry {
  raw: Obj;
  paths: Set<string>;
}

const entryKey = (e: Obj): string => JSON.stringify([e.manager, e.operation, e.apiVersion, e.subresource ?? '']);

function decodeEntries(list: unknown): Entry[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  // `[{}]` is how a client resets managedFields; anything unreadable counts as absent.
  if (list.every((e) => isObject(e) && !e.manager && !e.fieldsV1)) return [];
  if (!list.every((e) => isObject(e) && typeof e.manager === 'string')) return undefined;
  return list.map((e) => ({ raw: e as Obj, paths: pathsOf((e as Obj).fieldsV1) }));
}

const withoutTimes = (list: unknown): unknown => (Array.isArray(list) ? list.map((e) => (isObject(e) ? { ...e, time: undefined } : e)) : list);

/**
 * The entries a write starts from: the request's own when it carries any (a client may edit
 * them), the live object's otherwise — and the live ones too when the request's differ only in
 * their times (IgnoreManagedFieldsTimestampsTransformer), so echoing an object back is a no-op.
 */
function baseEntries(sent: unknown, live: unknown): Entry[] {
  const fromLive = decodeEntries(live) ?? [];
  const fromSent = decodeEntries(sent);
  if (!fromSent || JSON.stringify(withoutTimes(sent)) === JSON.stringify(withoutTimes(live))) return fromLive;
  return fromSent;
}

/** Fields this writer's reset strategy puts out of its reach (the status subresource split). */
function ignored(t: FieldsSchema, subresource: string, path: string): boolean {
  if (!t.statusSubresource) return false;
  const inStatus = path === 'f:status' || path.startsWith(`f:status${SEP}`);
  return subresource === 'status' ? !inStatus : inStatus;
}

/**
 * The managedFields after a write. `live` and `sent` are the object before the write and as the
 * request has it (both in the request's version, before the registry strategy); `sentEntries`
 * the managedFields the request carried (used instead of live's when given).
 */
export function updatedManagedFields(t: FieldsSchema, live: Obj | undefined, sent: Obj, writer: FieldWriter): Obj[] | undefined {
  const before = live ? fieldValues(live, t) : new Map<string, string>();
  const after = fieldValues(sent, t);
  const changed = new Set<string>();
  for (const [p, v] of after) if (before.get(p) !== v) changed.add(p);
  // What the strategy will put back (status through the main resource) is not a removal.
  const removed = new Set([...before.keys()].filter((p) => !after.has(p) && !ignored(t, writer.subresource, p)));
  const entries = baseEntries(sent.metadata?.managedFields, live?.metadata?.managedFields);
  const mine = { manager: writer.manager, operation: 'Update', apiVersion: writer.apiVersion, ...(writer.subresource ? { subresource: writer.subresource } : {}) };
  const owned = new Set([...changed].filter((p) => !ignored(t, writer.subresource, p)));
  let current = entries.find((e) => entryKey(e.raw) === entryKey(mine));
  for (const e of entries) {
    if (e === current) continue;
    for (const p of [...e.paths]) if (removed.has(p) || owned.has(p)) e.paths.delete(p);
  }
  if (current) for (const p of removed) current.paths.delete(p);
  if (owned.size > 0) {
    if (!current) entries.push((current = { raw: mine, paths: new Set() }));
    for (const p of owned) current.paths.add(p);
    current.raw = { ...mine, time: nowRfc3339() };
  }
  const out = entries
    .filter((e) => e.paths.size > 0)
    .map((e) => {
      const { manager, operation, apiVersion, time, subresource } = e.raw;
      return { manager, operation, apiVersion, time, fieldsType: 'FieldsV1', fieldsV1: treeOf(e.paths), ...(subresource ? { subresource } : {}) };
    })
    .sort((a, b) => cmp(a.operation, b.operation) || cmp(a.time ?? '', b.time ?? '') || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource ?? '', b.subresource ?? ''));
  return out.length > 0 ? out : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
