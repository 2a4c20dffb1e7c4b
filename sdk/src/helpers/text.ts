/**
 * Text for events built from Kubernetes objects (reports, Events): one-line titles, bounded
 * messages and details, and bounded dedup keys. For text straight off the network (which may hold
 * lone surrogates), see `payload-text.ts`.
 */

/**
 * Bounds for text that ends up in an Observation. The sdk's hard limits are larger; these keep
 * `kubectl get obs` readable and `details` at a few KB.
 *
 * @example
 * ```ts
 * const message = clip(oneLine(description), TEXT.message);
 * ```
 */
export const TEXT = {
  /** Titles are shown in `kubectl get`; past ~100 characters they wrap. */
  title: 100,
  message: 2000,
  /** Any single string inside `details`. */
  detail: 512,
  /** Items of a list inside `details` (links, messages). */
  listItems: 5,
} as const;

const MESSY_SPACE = /[\t\n\r\f\v]| {2}/;

/**
 * Collapses runs of whitespace (including newlines) into one space and trims.
 *
 * @example
 * ```ts
 * oneLine('a\n  b'); // 'a b'
 * ```
 */
export function oneLine(text: string): string {
  // Most text is already one line; skip the regex replace (the hot spot of a big report).
  return MESSY_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
}

/**
 * Cuts `text` to at most `max` characters, marking the cut with an ellipsis.
 *
 * @example
 * ```ts
 * clip('abcdef', 4); // 'abc…'
 * ```
 */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A title: one line, at most {@link TEXT.title} characters.
 *
 * @example
 * ```ts
 * title('CVE-2021-3121 in github.com/gogo/protobuf');
 * ```
 */
export function title(text: string): string {
  // Cut before collapsing, so a megabyte of input costs no more than a page.
  return clip(oneLine(text.slice(0, TEXT.title * 4)), TEXT.title);
}

/**
 * A short string for `details`, or undefined when there is none.
 *
 * @example
 * ```ts
 * detail(vuln.description);
 * ```
 */
export function detail(text: string | undefined): string | undefined {
  return text === undefined ? undefined : clip(text, TEXT.detail);
}

/**
 * A 32-bit FNV-1a hash as 8 hex digits. Used where a dedup key must tell two values apart
 * without carrying the value itself (a masked secret's matching line).
 *
 * @example
 * ```ts
 * fnv1a('secret_key: *****'); // 'a1b2c3d4'
 * ```
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Longest part of a dedup key kept verbatim; the sdk caps the whole key at 4096 characters. */
const KEY_PART = 200;

/**
 * Joins dedup-key parts with `|`. A part longer than 200 characters is replaced by its head
 * and a hash of the whole, so the key stays bounded and still tells values apart.
 *
 * @example
 * ```ts
 * dedupKey(['vuln', 'shop/Deployment/web', 'CVE-2021-3121']); // 'vuln|shop/Deployment/web|CVE-2021-3121'
 * ```
 */
export function dedupKey(parts: readonly string[]): string {
  return parts.map((part) => (part.length <= KEY_PART ? part : `${part.slice(0, KEY_PART - 10)}#${fnv1a(part)}`)).join('|');
}
