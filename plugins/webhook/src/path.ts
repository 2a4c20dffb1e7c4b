/**
 * Payload paths: `labels.severity`, `alerts[0].labels.alertname`, `metadata["app.kubernetes.io/name"]`
 * (quoted keys may hold dots), and `$root.receiver` to reach the request body from an item
 * when `itemsPath` splits it. `a|b|c` lists alternatives: the first that yields a value wins.
 */

/** One step of a path: an object key or an array index. */
export type Segment = string | number;

/** A parsed path. */
export interface Path {
  readonly root: boolean;
  readonly segments: readonly Segment[];
}

const MAX_SEGMENTS = 32;
// Parentheses are not key characters, so an attempt at an expression (`{{ f() }}`) is an error.
const BARE = /^[^.[\]|{}()\s"']+/;

/**
 * Parses one path (no alternatives). Throws a `SyntaxError` saying where it is wrong.
 *
 * @example
 * ```ts
 * parsePath('alerts[0].labels["app.kubernetes.io/name"]');
 * // { root: false, segments: ['alerts', 0, 'labels', 'app.kubernetes.io/name'] }
 * ```
 */
export function parsePath(source: string): Path {
  let rest = source.trim();
  let root = false;
  if (rest === '$root') return { root: true, segments: [] };
  if (rest.startsWith('$root.') || rest.startsWith('$root[')) {
    root = true;
    rest = rest.slice(rest[5] === '.' ? 6 : 5);
  }
  const segments: Segment[] = [];
  let first = true;
  while (rest.length > 0) {
    if (rest[0] === '[') {
      const m = /^\[(?:(\d{1,9})|"((?:[^"\\]|\\.)*)"|'([^']*)')\]/.exec(rest);
      if (!m) throw new SyntaxError(`bad [...] at "${rest.slice(0, 20)}" in path "${source}"`);
      segments.push(m[1] !== undefined ? Number(m[1]) : m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
      rest = rest.slice(m[0].length);
    } else {
      if (!first) {
        if (rest[0] !== '.') throw new SyntaxError(`expected "." or "[" at "${rest.slice(0, 20)}" in path "${source}"`);
        rest = rest.slice(1);
      }
      const m = BARE.exec(rest);
      if (!m) throw new SyntaxError(`expected a key at "${rest.slice(0, 20)}" in path "${source}"`);
      segments.push(m[0]);
      rest = rest.slice(m[0].length);
    }
    first = false;
    if (segments.length > MAX_SEGMENTS) throw new SyntaxError(`path "${source}" has more than ${MAX_SEGMENTS} steps`);
  }
  if (segments.length === 0 && !root) throw new SyntaxError('empty path');
  return { root, segments };
}

/**
 * Parses `a|b|c` into its alternatives; an empty string is no path at all.
 *
 * @example
 * ```ts
 * parseAlternatives('severity|labels.severity').length; // 2
 * parseAlternatives('');                                // []
 * ```
 */
export function parseAlternatives(source: string): Path[] {
  if (source.trim() === '') return [];
  return splitOutsideQuotes(source, '|').map(parsePath);
}

/** Splits on `sep` where it is not inside ["..."] or ['...']. */
export function splitOutsideQuotes(source: string, sep: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === sep) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/**
 * The value at `path`, starting at `item` (or at `root` for `$root.` paths). Only own
 * properties are followed, so `constructor` or `__proto__` never reach anything inherited; a
 * numeric key also indexes an array (`alerts.0`).
 *
 * @example
 * ```ts
 * getPath({ a: [{ b: 1 }] }, parsePath('a[0].b'), undefined); // 1
 * getPath({}, parsePath('constructor'), undefined);            // undefined
 * ```
 */
export function getPath(item: unknown, path: Path, root: unknown): unknown {
  let node: unknown = path.root ? root : item;
  for (const seg of path.segments) {
    if (node === null || typeof node !== 'object') return undefined;
    if (Array.isArray(node)) {
      const i = typeof seg === 'number' ? seg : /^\d{1,9}$/.test(seg) ? Number(seg) : -1;
      if (i < 0 || i >= node.length) return undefined;
      node = node[i];
    } else {
      const key = String(seg);
      if (!Object.hasOwn(node, key)) return undefined;
      node = (node as Record<string, unknown>)[key];
    }
  }
  return node;
}

/**
 * The first alternative that yields something other than undefined, null or an empty string.
 *
 * @example
 * ```ts
 * getFirst({ level: 'warn' }, parseAlternatives('severity|level'), undefined); // 'warn'
 * ```
 */
export function getFirst(item: unknown, alternatives: readonly Path[], root: unknown): unknown {
  for (const p of alternatives) {
    const v = getPath(item, p, root);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}
