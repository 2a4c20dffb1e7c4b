/**
 * Whether a key must never be copied from a payload into an object we build: `__proto__`,
 * `constructor` and `prototype` are prototype-pollution gadgets.
 *
 * @example
 * ```ts
 * for (const [key, value] of Object.entries(payload)) {
 *   if (!isUnsafeKey(key)) fields[key] = value;
 * }
 * ```
 */
export function isUnsafeKey(key: string): boolean {
  return key === '__proto__' || key === 'constructor' || key === 'prototype';
}
