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
 * Objects and arrays are walked field by field, so every bad field is named (not only the
 * first), and union failures read as one line (`must be one of ...`). Schemas are compiled once
 * and cached.
 *
 * @example
 * ```ts
 * const issues = checkSchema(Type.Object({ a: Type.String() }), { a: 1 });
 * // [{ path: '/a', message: 'must be string' }]
 * ```
 */
export function checkSchema(schema: TSchema, value: unknown): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  collect(schema, value, '', out);
  return out;
}

type Node = TSchema & {
  type?: unknown;
  properties?: Record<string, TSchema>;
  required?: string[];
  additionalProperties?: boolean | TSchema;
  patternProperties?: Record<string, TSchema>;
  items?: TSchema | TSchema[];
  maxItems?: number;
  minItems?: number;
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function collect(schema: TSchema, value: unknown, path: string, out: SchemaIssue[]): void {
  if (validatorFor(schema).Check(value)) return;
  const node = schema as Node;
  const before = out.length;
  if (node.type === 'object' && isPlainObject(value)) {
    for (const req of node.required ?? []) {
      if (!Object.hasOwn(value, req)) out.push({ path: `${path}/${req}`, message: 'is required' });
    }
    const patterns = Object.values(node.patternProperties ?? {});
    for (const [k, v] of Object.entries(value)) {
      const sub = node.properties?.[k] ?? patterns[0] ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
      if (sub) collect(sub, v, `${path}/${k}`, out);
      else if (node.additionalProperties === false) out.push({ path: `${path}/${k}`, message: 'unknown field' });
    }
  } else if (node.type === 'array' && Array.isArray(value as unknown) && node.items && !Array.isArray(node.items)) {
    const list = value as unknown[];
    if (node.maxItems !== undefined && list.length > node.maxItems) out.push({ path: path || '/', message: `must have at most ${node.maxItems} items` });
    if (node.minItems !== undefined && list.length < node.minItems) out.push({ path: path || '/', message: `must have at least ${node.minItems} items` });
    const items = node.items;
    list.forEach((item, i) => collect(items, item, `${path}/${i}`, out));
  }
  if (out.length === before) summarize(schema, value, path, out);
}

interface ErrorLike {
  keyword: string;
  message: string;
  instancePath: string;
  params: Record<string, unknown>;
}

function summarize(schema: TSchema, value: unknown, prefix: string, out: SchemaIssue[]): void {
  const byPath = new Map<string, ErrorLike[]>();
  for (const e of validatorFor(schema).Errors(value) as Iterable<ErrorLike>) {
    const path = prefix + e.instancePath;
    const list = byPath.get(path) ?? [];
    list.push(e);
    byPath.set(path, list);
  }
  for (const [path, errors] of byPath) {
    const allowed = errors.filter((e) => e.keyword === 'const').map((e) => JSON.stringify(e.params.allowedValue));
    let messages: string[];
    if (allowed.length > 0) messages = [`must be one of ${allowed.join(', ')}`];
    else {
      messages = errors
        .filter((e) => e.keyword !== 'additionalProperties' && !(e.keyword === 'anyOf' && errors.length > 1))
        .map((e) => (e.keyword === 'boolean' ? 'unknown field' : e.keyword === 'required' ? describeRequired(e) : e.message));
    }
    if (messages.length > 0) out.push({ path: path || '/', message: [...new Set(messages)].join('; ') });
  }
}

function describeRequired(e: ErrorLike): string {
  const names = e.params.requiredProperties;
  return Array.isArray(names) ? `missing required field(s) ${names.map((n) => JSON.stringify(n)).join(', ')}` : e.message;
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
