// Serialization with a per-object cache: stored objects are immutable, so each is turned into
// JSON once per API version however many watchers, lists and gets send it. This is most of
// what keeps a few thousand requests per second cheap.
import type { ResourceType } from './resource-types.ts';
import type { Obj } from './store.ts';

const full = new WeakMap<ResourceType, WeakMap<Obj, string>>();
const item = new WeakMap<ResourceType, WeakMap<Obj, string>>();

function cacheFor(root: WeakMap<ResourceType, WeakMap<Obj, string>>, t: ResourceType): WeakMap<Obj, string> {
  let m = root.get(t);
  if (!m) root.set(t, (m = new WeakMap()));
  return m;
}

/** The object as a get or watch returns it: in the request's version, with apiVersion and kind. */
export function encodeJson(t: ResourceType, stored: Obj): string {
  const m = cacheFor(full, t);
  let s = m.get(stored);
  if (s === undefined) {
    s = JSON.stringify(t.encode(stored));
    m.set(stored, s);
  }
  return s;
}

/**
 * The object as an item of a list. Typed (built-in) lists carry no apiVersion/kind on their
 * items; unstructured (custom resource) lists do.
 */
export function encodeListItem(t: ResourceType, stored: Obj): string {
  if (t.custom) return encodeJson(t, stored);
  const m = cacheFor(item, t);
  let s = m.get(stored);
  if (s === undefined) {
    const { apiVersion: _a, kind: _k, ...rest } = t.encode(stored);
    s = JSON.stringify(rest);
    m.set(stored, s);
  }
  return s;
}
