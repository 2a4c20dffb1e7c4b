import type { TSchema, Static } from 'typebox';
import { Compile } from 'typebox/compile';
import Value from 'typebox/value';
import type { SchemaIssue } from './errors.js';

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();

function validatorFor(schema: TSchema): ReturnType<typeof Compile> {
  let v = compiled.get(schema);
  if (!v) {
    v = Compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/**
 * Checks `value` against a typebox schema and lists every problem with its JSON pointer path.
 * Only the most specific message per path is kept, so a union failure reads as one line.
 * Schemas are compiled once and cached.
 *
 * @example
 * ```ts
 * const issues = checkSchema(Type.Object({ a: Type.String() }), { a: 1 });
 * // [{ path: '/a', message: 'must be string' }]
 * ```
 */
export function checkSchema(schema: TSchema, value: unknown): SchemaIssue[] {
  const v = validatorFor(schema);
  if (v.Check(value)) return [];
  const byPath = new Map<string, string[]>();
  for (const e of v.Errors(value)) {
    const path = e.instancePath || '/';
    const list = byPath.get(path) ?? [];
    list.push(describe(e));
    byPath.set(path, list);
  }
  const issues: SchemaIssue[] = [];
  for (const [path, messages] of byPath) {
    issues.push({ path, message: [...new Set(messages)].join('; ') });
  }
  return issues;
}

interface ErrorLike {
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

function describe(e: ErrorLike): string {
  if (e.keyword === 'const' && 'allowedValue' in e.params) return `must be ${JSON.stringify(e.params.allowedValue)}`;
  if (e.keyword === 'additionalProperties' && Array.isArray(e.params.additionalProperties)) {
    return `unknown field(s) ${e.params.additionalProperties.map((p) => JSON.stringify(p)).join(', ')}`;
  }
  if (e.keyword === 'required' && Array.isArray(e.params.requiredProperties)) {
    return `missing required field(s) ${e.params.requiredProperties.map((p) => JSON.stringify(p)).join(', ')}`;
  }
  return e.message;
}

/**
 * Applies the schema's defaults to a copy of `raw`, validates it, and deep-freezes the result.
 * Returns the issues instead when it does not match.
 *
 * @example
 * ```ts
 * const r = resolveWithDefaults(Type.Object({ n: Type.Integer({ default: 3 }) }), {});
 * if (r.ok) r.value.n; // 3
 * ```
 */
export function resolveWithDefaults<S extends TSchema>(
  schema: S,
  raw: unknown,
): { ok: true; value: Readonly<Static<S>> } | { ok: false; issues: SchemaIssue[] } {
  const copy = raw === undefined ? {} : Value.Clone(raw);
  const withDefaults = Value.Default(schema, copy);
  const issues = checkSchema(schema, withDefaults);
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: deepFreeze(withDefaults) as Readonly<Static<S>> };
}

/**
 * Freezes an object and everything reachable from it.
 *
 * @example
 * ```ts
 * const c = deepFreeze({ a: { b: 1 } });
 * Object.isFrozen(c.a); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Formats schema issues as one line each, `path: message`.
 *
 * @example
 * ```ts
 * formatIssues([{ path: '/a', message: 'must be string' }]); // '/a: must be string'
 * ```
 */
export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
