// The three patch formats the apiserver accepts for JSON objects (server-side apply excepted):
// RFC 7386 merge patch, RFC 6902 JSON patch, and a simplified strategic merge patch.
//
// Strategic merge here is "merge patch plus the directives and list strategies that matter
// for the types this server serves": `$patch: replace|delete` on maps,
// `$deleteFromPrimitiveList/<key>`, `$setElementOrder/<key>` and `$retainKeys` (accepted,
// ignored), metadata.finalizers merged as a set and metadata.ownerReferences merged by uid.
// Every other list is replaced, which is what the real server does for lists whose Go field
// has no patchStrategy tag (true for ConfigMap, Secret, Lease, Namespace and Event).

// Parsed JSON; typed loosely because patches walk arbitrary documents.
export type Json = any;
type JsonObject = Record<string, any>;

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** JSON with every object's keys sorted, as Go marshals a map[string]interface{}. */
export function sortedJson(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(sortedJson).join(',')}]`;
  if (!isObject(v)) return JSON.stringify(v);
  return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sortedJson(v[k])}`).join(',')}}`;
}

/**
 * The text of a merge-patched document as the apiserver's json-patch library writes it: objects
 * the patch reached are re-marshalled with sorted keys, everything it did not touch keeps the
 * current object's bytes (its order included).
 */
export function mergePatchedJson(current: Json, patch: Json): string {
  if (!isObject(patch) || !isObject(current)) return isObject(patch) ? sortedJson(mergePatch(null, patch)) : JSON.stringify(patch);
  const keys = [...new Set([...Object.keys(current), ...Object.keys(patch)])].filter((k) => !(k in patch) || patch[k] !== null).sort();
  const parts = keys.map((k) => {
    let text: string;
    if (!(k in patch)) text = JSON.stringify(current[k]);
    else if (isObject(patch[k]) && isObject(current[k])) text = mergePatchedJson(current[k], patch[k]);
    else text = k in current ? JSON.stringify(patch[k]) : sortedJson(mergePatch(null, patch[k]));
    return `${JSON.stringify(k)}:${text}`;
  });
  return `{${parts.join(',')}}`;
}

/** Thrown when a JSON patch does not apply; the handler answers 422 like the apiserver. */
export class PatchApplyError extends Error {}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchApplyError(`invalid JSON pointer: ${JSON.stringify(path)}`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function walk(doc: Json, parts: string[], op: string, path: string): Json {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) {
      const i = Number(p);
      if (!/^\d+$/.test(p) || i >= cur.length) throw new PatchApplyError(`Unable to access invalid index: ${p}: invalid index referenced`);
      cur = cur[i];
    } else if (isObject(cur) && p in cur) {
      cur = cur[p];
    } else {
      throw new PatchApplyError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
    }
  }
  return cur;
}

function getAt(doc: Json, path: string, op: string): Json {
  return walk(doc, parsePointer(path), op, path);
}

function removeAt(doc: Json, path: string, op: string): Json {
  const parts = parsePointer(path);
  const last = parts.pop();
  if (last === undefined) throw new PatchApplyError(`${op} operation does not apply: cannot remove the document root`);
  const parent = walk(doc, parts, op, path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw new PatchApplyError(`Unable to access invalid index: ${last}: invalid index referenced`);
    return parent.splice(i, 1)[0];
  }
  if (isObject(parent) && last in parent) {
    const v = parent[last];
    delete parent[last];
    return v;
  }
  throw new PatchApplyError(`Unable to remove nonexistent key: ${last}: missing value`);
}

function addAt(doc: Json, path: string, value: Json, op: string): Json {
  const parts = parsePointer(path);
  const last = parts.pop();
  if (last === undefined) return value;
  const parent = walk(doc, parts, op, path);
  if (Array.isArray(parent)) {
    if (last === '-') parent.push(value);
    else {
      const i = Number(last);
      if (!/^\d+$/.test(last) || i > parent.length) throw new PatchApplyError(`Unable to access invalid index: ${last}: invalid index referenced`);
      parent.splice(i, 0, value);
    }
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw new PatchApplyError(`${op} operation does not apply: doc is missing path: ${JSON.stringify(path)}: missing value`);
  }
  return doc;
}

function replaceAt(doc: Json, path: string, value: Json): Json {
  const parts = parsePointer(path);
  const last = parts.pop();
  if (last === undefined) return value;
  const parent = walk(doc, parts, 'replace', path);
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!/^\d+$/.test(last) || i >= parent.length) throw new PatchApplyError(`Unable to access invalid index: ${last}: invalid index referenced`);
    parent[i] = value;
  } else if (isObject(parent)) {
    // The apiserver's json-patch library lets replace create a missing object member.
    parent[last] = value;
  } else {
    throw new PatchApplyError(`replace operation does not apply: doc is missing key: ${path}: missing value`);
  }
  return doc;
}

/** The apiserver caps a JSON patch at 10000 operations. */
const MAX_JSON_PATCH_OPERATIONS = 10000;

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new TypeError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) throw new TypeError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  let doc = clone(target);
  for (const raw of ops) {
    if (!isObject(raw)) throw new TypeError('json: cannot unmarshal non-object into Go value of type jsonpatch.Operation');
    const op = String(raw.op ?? '');
    const path = String(raw.path ?? '');
    switch (op) {
      case 'add':
        doc = addAt(doc, path, clone(raw.value ?? null), 'add');
        break;
      case 'remove':
        removeAt(doc, path, 'remove');
        break;
      case 'replace':
        doc = replaceAt(doc, path, clone(raw.value ?? null));
        break;
      case 'move': {
        const v = removeAt(doc, String(raw.from ?? ''), 'move');
        doc = addAt(doc, path, v, 'move');
        break;
      }
      case 'copy': {
        const v = clone(getAt(doc, String(raw.from ?? ''), 'copy'));
        doc = addAt(doc, path, v, 'copy');
        break;
      }
      case 'test': {
        let actual: Json;
        try {
          actual = getAt(doc, path, 'test');
        } catch {
          throw new PatchApplyError(`testing value ${path} failed: test failed`);
        }
        if (!deepEqual(actual, raw.value ?? null)) throw new PatchApplyError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw new PatchApplyError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

/** Lists merged instead of replaced, by dotted path from the object root. */
const MERGE_LISTS: Record<string, { key?: string }> = {
  'metadata.finalizers': {},
  'metadata.ownerReferences': { key: 'uid' },
};

export function strategicMergePatch(target: Json, patch: Json): Json {
  return smp(target, patch, '');
}

function smp(target: Json, patch: Json, path: string): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return strip(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = Array.isArray(v) ? v : [];
      const cur = out[field];
      if (Array.isArray(cur)) out[field] = cur.filter((x) => !drop.some((d) => deepEqual(d, x)));
      continue;
    }
    const childPath = path ? `${path}.${k}` : k;
    if (v === null) {
      delete out[k];
    } else if (isObject(v) && v.$patch === 'delete') {
      delete out[k];
    } else if (Array.isArray(v) && MERGE_LISTS[childPath]) {
      const order = patch[`$setElementOrder/${k}`];
      out[k] = mergeList(out[k], v, MERGE_LISTS[childPath].key, Array.isArray(order) ? order : undefined);
    } else if (isObject(v)) {
      out[k] = smp(out[k] ?? null, v, childPath);
    } else {
      out[k] = clone(v);
    }
  }
  return out;
}

/**
 * Merges a list by its patch strategy. Like the real normalizeElementOrder, the patch's items come
 * first in patch order (or in `$setElementOrder/` order when given), then the items only the
 * server had, in server order.
 */
function mergeList(current: Json | undefined, patch: Json[], key: string | undefined, order: Json[] | undefined): Json[] {
  const server: Json[] = Array.isArray(current) ? current : [];
  const same = (a: Json, b: Json): boolean => (key === undefined ? deepEqual(a, b) : isObject(a) && isObject(b) && a[key] === b[key]);
  const fromPatch: Json[] = [];
  const deleted: Json[] = [];
  for (const item of patch) {
    if (key !== undefined && !isObject(item)) continue;
    if (key !== undefined && item.$patch === 'delete') {
      deleted.push(item);
      continue;
    }
    if (fromPatch.some((x) => same(x, item))) continue;
    const onServer = server.find((x) => same(x, item));
    fromPatch.push(key === undefined ? clone(item) : onServer ? smp(onServer, item, '') : strip(item));
  }
  const serverOnly = server.filter((x) => !fromPatch.some((p) => same(p, x)) && !deleted.some((d) => same(d, x)));
  if (!order) return [...fromPatch, ...serverOnly];
  const all = [...fromPatch, ...serverOnly];
  const rank = (x: Json): number => {
    const i = order.findIndex((o) => same(o, x));
    return i < 0 ? order.length : i;
  };
  return all.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i).map((e) => e.x);
}

function strip(v: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) out[k] = clone(x);
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}
