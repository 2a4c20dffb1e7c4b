/**
 * Reading `output_fields` defensively: a value counts only when it is a real string or number,
 * not Falco's placeholders for "could not resolve".
 */

const PLACEHOLDERS = new Set(['', '<NA>', 'N/A', '<N/A>', 'null']);

/** `output_fields` as the mapping code sees them. */
export type OutputFields = Readonly<Record<string, unknown>> | undefined;

/**
 * The field as text, or undefined when it is missing, null, a placeholder or not a scalar.
 *
 * @example
 * ```ts
 * fieldText({ 'k8s.pod.name': '<NA>' }, 'k8s.pod.name'); // undefined
 * fieldText({ 'proc.tty': 34816 }, 'proc.tty');           // '34816'
 * ```
 */
export function fieldText(fields: OutputFields, key: string): string | undefined {
  if (!fields || !Object.hasOwn(fields, key)) return undefined;
  const v = fields[key];
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  return s === undefined || PLACEHOLDERS.has(s) ? undefined : s;
}

/**
 * The field as text for a dedup key: scalars as text, lists of scalars sorted and joined (the
 * k8saudit plugin returns lists, e.g. `ka.req.pod.containers.image`).
 *
 * @example
 * ```ts
 * fieldKeyText({ images: ['b', 'a'] }, 'images'); // 'a,b'
 * ```
 */
export function fieldKeyText(fields: OutputFields, key: string): string | undefined {
  if (!fields || !Object.hasOwn(fields, key)) return undefined;
  const v = fields[key];
  if (Array.isArray(v)) {
    const items = v.slice(0, 64).filter((x) => typeof x === 'string' || typeof x === 'number').map(String);
    return items.length > 0 ? items.sort().join(',') : undefined;
  }
  return fieldText(fields, key);
}
