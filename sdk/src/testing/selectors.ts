import type { InformerEventType, KubeObject, WatchedResource } from '../plugin.js';

/**
 * Whether an object matches a label selector, as the API server evaluates it: `k=v`, `k==v`,
 * `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated (all must hold).
 *
 * @example
 * ```ts
 * matchesLabels({ app: 'web', tier: 'db' }, 'app in (web,api),tier!=cache'); // true
 * ```
 */
export function matchesLabels(labels: Readonly<Record<string, string>> | undefined, selector: string | undefined): boolean {
  if (!selector || !selector.trim()) return true;
  const l = labels ?? {};
  return splitTerms(selector).every((term) => {
    let m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3].split(',').map((v) => v.trim());
      const has = Object.hasOwn(l, m[1]) && values.includes(l[m[1]]);
      return m[2] === 'in' ? has : !has;
    }
    m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (m) return m[2] === '!=' ? l[m[1]] !== m[3] : l[m[1]] === m[3];
    if (term.startsWith('!')) return !Object.hasOwn(l, term.slice(1));
    return Object.hasOwn(l, term);
  });
}

/**
 * Whether an object matches a field selector (`metadata.name=x`, `type!=Normal`, ...), reading
 * the dotted path from the object. The API server supports a few fields per resource; any
 * dotted path is read here.
 *
 * @example
 * ```ts
 * matchesFields(event, 'type=Warning,involvedObject.kind=Pod'); // true for a Pod's Warning
 * ```
 */
export function matchesFields(obj: KubeObject, selector: string | undefined): boolean {
  if (!selector || !selector.trim()) return true;
  return splitTerms(selector).every((term) => {
    const m = /^(\S+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) return false;
    let node: unknown = obj;
    for (const k of m[1].split('.')) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined;
    const value = node === undefined || node === null ? '' : String(node);
    return m[2] === '!=' ? value !== m[3] : value === m[3];
  });
}

/**
 * Whether the API server would deliver `obj` on a watch of `resource`: its label and field
 * selectors hold. What no API server could send (not an object, metadata that is not an
 * object) is delivered as it is, so a plugin's handling of malformed input can still be tested.
 */
export function deliveredFor(obj: unknown, resource: WatchedResource): boolean {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return true;
  const o = obj as KubeObject;
  if (o.metadata === null || typeof o.metadata !== 'object') return true;
  return matchesLabels(o.metadata.labels, resource.labelSelector) && matchesFields(o, resource.fieldSelector);
}

/**
 * What a watch of `resources` sends for each version of an object, as the API server sends it:
 * nothing while the object is outside the selectors, an ADDED when it enters them (an update of
 * an object never sent), a DELETED with its last matching state when it leaves them. Objects
 * without a name (malformed input) pass as they are.
 *
 * @example
 * ```ts
 * const watch = new WatchDelivery([{ ...resource, labelSelector: 'app=web' }]);
 * watch.next('update', unlabelled); // { type: 'delete', object: <its last labelled version> }
 * ```
 */
export class WatchDelivery {
  private readonly sent = new Map<string, KubeObject>();

  constructor(private readonly resources: readonly WatchedResource[]) {}

  /** What the watch sends for this version (`undefined`: nothing). */
  next(type: InformerEventType, obj: KubeObject): { type: InformerEventType; object: KubeObject } | undefined {
    const matches = this.resources.some((r) => deliveredFor(obj, r));
    const key = objectKey(obj);
    if (key === undefined) return matches ? { type, object: obj } : undefined;
    const last = this.sent.get(key);
    if (!matches) {
      if (!last) return undefined;
      this.sent.delete(key);
      return { type: 'delete', object: { ...last, metadata: { ...last.metadata, resourceVersion: obj.metadata?.resourceVersion } } };
    }
    if (type === 'delete') this.sent.delete(key);
    else this.sent.set(key, obj);
    return { type: type === 'update' && !last ? 'add' : type, object: obj };
  }
}

function objectKey(obj: unknown): string | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const o = obj as KubeObject;
  const m = o.metadata;
  if (m === null || typeof m !== 'object' || typeof m.name !== 'string') return undefined;
  return `${o.apiVersion}/${o.kind}/${m.namespace ?? ''}/${m.name}`;
}

// Commas separate terms, except inside the parentheses of `in (a,b)`.
function splitTerms(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
