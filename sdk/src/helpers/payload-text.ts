/**
 * Text hygiene for strings that come from the network and end up in an Observation: lone UTF-16
 * surrogates (what invalid input can decode to) are replaced, control characters are kept out of
 * one-line fields, and every copy is bounded. For text from Kubernetes objects, see `text.ts`.
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 controls, DEL and C1 controls: newlines and escapes have no place in a one-line title.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]+/g;

/**
 * Replaces lone surrogates with U+FFFD so the string serialises to valid UTF-8.
 *
 * @example
 * ```ts
 * wellFormed('a\uD800b'); // 'a\uFFFDb'
 * ```
 */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Cuts `s` to at most `max` UTF-16 units (an ellipsis marks the cut), never splitting a
 * surrogate pair, and replaces lone surrogates (see {@link wellFormed}).
 *
 * @example
 * ```ts
 * clipPayload('abcdef', 4); // 'abc…'
 * ```
 */
export function clipPayload(s: string, max: number): string {
  const clean = s.length > max * 2 ? wellFormed(s.slice(0, max * 2)) : wellFormed(s);
  if (clean.length <= max) return clean;
  let end = max - 1;
  const last = clean.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${clean.slice(0, end)}…`;
}

/**
 * A bounded single line: control characters (newlines, tabs, escapes) become one space, and the
 * result is cut as {@link clipPayload} does.
 *
 * @example
 * ```ts
 * payloadLine('a\n\tb', 80); // 'a b'
 * ```
 */
export function payloadLine(s: string, max: number): string {
  // Only the head can survive the cut, so a megabyte string is not scanned whole.
  return clipPayload(s.slice(0, max * 4).replace(CONTROL, ' ').trim(), max);
}
