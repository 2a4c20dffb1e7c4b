// Structural-schema handling of custom resources, in the order apiextensions-apiserver applies
// it to a request body: prune unknown fields, drop non-nullable nulls that have no default,
// apply defaults, then validate (kube-openapi validation mapped to field errors by
// kubeOpenAPIResultToFieldErrors). CEL rules (x-kubernetes-validations) are not evaluated.
import type { FieldError } from './field-errors.ts';
import { invalidValue, notSupported, required, tooLong, tooMany, typeInvalid } from './field-errors.ts';
import { clone, deepEqual, isObject } from './patch.ts';

export interface JSONSchemaProps {
  type?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  nullable?: boolean;
  default?: unknown;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [extra: string]: unknown;
}

type Obj = Record<string, unknown>;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/**
 * Removes fields the schema does not declare, in place, and returns their paths (for the
 * `unknown field` warning or a Strict field-validation error). `apiVersion`, `kind` and
 * `metadata` survive at the root and at embedded resources.
 */
export function prune(value: unknown, schema: JSONSchemaProps | undefined, path = '', root = true, pruned: string[] = []): string[] {
  if (Array.isArray(value)) {
    if (schema?.items) value.forEach((v, i) => prune(v, schema.items, `${path}[${i}]`, false, pruned));
    return pruned;
  }
  if (!isObject(value) || schema === undefined) return pruned;
  const embedded = root || schema['x-kubernetes-embedded-resource'] === true;
  const props = schema.properties;
  const additional = schema.additionalProperties;
  for (const key of Object.keys(value)) {
    const child = path ? `${path}.${key}` : key;
    if (embedded && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
    if (props && key in props) {
      prune(value[key], props[key], child, false, pruned);
    } else if (isObject(additional)) {
      prune(value[key], additional, child, false, pruned);
    } else if (additional === true || schema[PRESERVE] === true) {
      // kept as is
    } else {
      delete value[key];
      pruned.push(child);
    }
  }
  return pruned;
}

function schemaForKey(schema: JSONSchemaProps | undefined, key: string): JSONSchemaProps | undefined {
  if (!schema) return undefined;
  if (schema.properties && key in schema.properties) return schema.properties[key];
  if (isObject(schema.additionalProperties)) return schema.additionalProperties;
  return undefined;
}

/** defaulting.PruneNonNullableNullsWithoutDefaults: `field: null` disappears unless nullable or defaulted. */
export function pruneNulls(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (Array.isArray(value)) {
    for (const v of value) pruneNulls(v, schema?.items);
    return;
  }
  if (!isObject(value)) return;
  for (const key of Object.keys(value)) {
    const s = schemaForKey(schema, key);
    if (value[key] === null && s !== undefined && !s.nullable && s.default === undefined) delete value[key];
    else pruneNulls(value[key], s);
  }
}

/** structuraldefaulting.Default: missing (or null, non-nullable) properties get their default. */
export function applyDefaults(value: unknown, schema: JSONSchemaProps | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    for (const v of value) applyDefaults(v, schema.items);
    return;
  }
  if (!isObject(value)) return;
  if (schema.properties) {
    for (const [key, s] of Object.entries(schema.properties)) {
      if (s.default !== undefined && (!(key in value) || (value[key] === null && !s.nullable))) value[key] = clone(s.default);
    }
  }
  for (const key of Object.keys(value)) applyDefaults(value[key], schemaForKey(schema, key));
}

/** Whether any node of the schema declares a default. */
export function hasDefaults(schema: JSONSchemaProps | undefined): boolean {
  if (!schema) return false;
  if (schema.default !== undefined) return true;
  const children = [...Object.values(schema.properties ?? {}), schema.items, isObject(schema.additionalProperties) ? schema.additionalProperties : undefined];
  return children.some((c) => hasDefaults(c as JSONSchemaProps | undefined));
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// strfmt.IsDateTime: date, `t`, hh:mm:ss, optional fraction, and a zone that is `z` or ±hh:mm.
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})t(\d{2}):(\d{2}):(\d{2})(\.\d+)?(z|[+-]\d{2}:\d{2})$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]);
}

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => {
    const m = DATE_TIME.exec(s.toLowerCase());
    return !!m && isDate(m[1]) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
  },
  datetime: (s) => FORMATS['date-time'](s),
  date: isDate,
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
  ipv4: (s) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s),
  hostname: (s) => s.length <= 255 && /^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*$/.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
};

const patternCache = new Map<string, RegExp>();
function compilePattern(p: string): RegExp {
  let re = patternCache.get(p);
  if (!re) {
    // ECMA-262 regexes are what the CRD author wrote; Go's RE2 accepts the same common subset.
    re = new RegExp(p, 'u');
    patternCache.set(p, re);
  }
  return re;
}

export function validate(value: unknown, schema: JSONSchemaProps | undefined, path = '', errs: FieldError[] = []): FieldError[] {
  if (!schema) return errs;
  const actual = jsonType(value);
  if (value === null && schema.nullable) return errs;
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  if (intOrString) {
    if (actual !== 'integer' && actual !== 'string') {
      errs.push(typeInvalid(path, actual, `${path} in body must be of type integer,string: ${JSON.stringify(actual)}`));
      return errs;
    }
  } else if (schema.type && !typeMatches(schema.type, actual)) {
    errs.push(typeInvalid(path, actual, `${path} in body must be of type ${schema.type}: ${JSON.stringify(actual)}`));
    return errs;
  }
  if (schema.enum && !schema.enum.some((e) => deepEqual(e, value))) {
    errs.push(notSupported(path, value, schema.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof value === 'string') validateString(value, schema, path, errs);
  else if (typeof value === 'number') validateNumber(value, schema, path, errs);
  else if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errs.push(tooMany(path, value.length, schema.maxItems));
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errs.push(invalidValue(path, value.length, `${path} in body should have at least ${schema.minItems} items`));
    }
    if (schema.uniqueItems) {
      const seen: unknown[] = [];
      for (const v of value) {
        if (seen.some((s) => deepEqual(s, v))) {
          errs.push(invalidValue(path, value, `${path} in body shouldn't contain duplicates`));
          break;
        }
        seen.push(v);
      }
    }
    value.forEach((v, i) => validate(v, schema.items, `${path}[${i}]`, errs));
  } else if (isObject(value)) {
    validateObject(value, schema, path, errs);
  }
  for (const sub of schema.allOf ?? []) validate(value, sub, path, errs);
  if (schema.anyOf && !schema.anyOf.some((s) => validate(value, s, path).length === 0)) {
    errs.push(invalidValue(path, '', `${path} in body must validate at least one schema (anyOf)`));
  }
  if (schema.oneOf && schema.oneOf.filter((s) => validate(value, s, path).length === 0).length !== 1) {
    errs.push(invalidValue(path, '', `${path} in body must validate one and only one schema (oneOf)`));
  }
  if (schema.not && validate(value, schema.not, path).length === 0) {
    errs.push(invalidValue(path, '', `${path} in body must not validate the schema (not)`));
  }
  return errs;
}

function validateString(value: string, schema: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const len = [...value].length;
  if (schema.maxLength !== undefined && len > schema.maxLength) errs.push(tooLong(path, value, schema.maxLength));
  if (schema.minLength !== undefined && len < schema.minLength) {
    errs.push(invalidValue(path, value, `${path} in body should be at least ${schema.minLength} chars long`));
  }
  if (schema.pattern !== undefined && !compilePattern(schema.pattern).test(value)) {
    errs.push(invalidValue(path, value, `${path} in body should match '${schema.pattern}'`));
  }
  const check = schema.format ? FORMATS[schema.format] : undefined;
  if (check && !check(value)) {
    errs.push(typeInvalid(path, value, `${path} in body must be of type ${schema.format}: ${JSON.stringify(value)}`));
  }
}

function validateNumber(value: number, schema: JSONSchemaProps, path: string, errs: FieldError[]): void {
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
      const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      errs.push(invalidValue(path, value, `${path} in body should be ${rel} ${schema.maximum}`));
    }
  }
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
      const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      errs.push(invalidValue(path, value, `${path} in body should be ${rel} ${schema.minimum}`));
    }
  }
  if (schema.multipleOf !== undefined && schema.multipleOf !== 0 && !Number.isInteger(value / schema.multipleOf)) {
    errs.push(invalidValue(path, value, `${path} in body should be a multiple of ${schema.multipleOf}`));
  }
}

function validateObject(value: Obj, schema: JSONSchemaProps, path: string, errs: FieldError[]): void {
  for (const name of schema.required ?? []) {
    if (!(name in value)) errs.push(required(path ? `${path}.${name}` : name));
  }
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) errs.push(tooMany(path, count, schema.maxProperties));
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    errs.push(invalidValue(path, count, `${path} in body should have at least ${schema.minProperties} properties`));
  }
  for (const [key, v] of Object.entries(value)) {
    const child = path ? `${path}.${key}` : key;
    if (schema.properties && key in schema.properties) validate(v, schema.properties[key], child, errs);
    else if (isObject(schema.additionalProperties)) validate(v, schema.additionalProperties, child, errs);
  }
}

/** Decoding a custom resource body: prune unknown fields, drop disallowed nulls, default. Mutates `obj`. */
export function decodeCustomResource(obj: Obj, schema: JSONSchemaProps | undefined): string[] {
  if (!schema) return [];
  const pruned = prune(obj, schema);
  pruneNulls(obj, schema);
  applyDefaults(obj, schema);
  return pruned;
}

/** Schema validation of everything but apiVersion, kind and metadata (validated as ObjectMeta). */
export function validateCustomResource(obj: Obj, schema: JSONSchemaProps | undefined, statusWrite = false): FieldError[] {
  if (!schema) return [];
  const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...body } = obj;
  const props = { ...(schema.properties ?? {}) };
  delete props.metadata;
  delete props.apiVersion;
  delete props.kind;
  const requiredFields = (schema.required ?? []).filter((r) => r !== 'metadata' && r !== 'apiVersion' && r !== 'kind');
  const errs = validate(body, { ...schema, properties: props, required: requiredFields });
  // A /status write is checked by the status schema's own validator: messages name paths
  // relative to status while the causes keep the full field.
  if (statusWrite) for (const e of errs) if (e.field.startsWith('status.')) e.detail = e.detail.replace(`${e.field} in body`, `${e.field.slice('status.'.length)} in body`);
  // With CEL rules in the schema, a blocking schema error means the rules were skipped, which
  // the real validator says as one more cause with no field (Go's nil path).
  if (hasCelRules(schema) && errs.some((e) => BLOCKING.has(e.type))) {
    errs.push({ type: 'FieldValueInvalid', field: '<nil>', value: 'null', detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' });
  }
  return errs;
}

// hasBlockingErr in apiextensions-apiserver: errors after which CEL rules are not evaluated.
const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

const celCache = new WeakMap<JSONSchemaProps, boolean>();

/** Whether any node of the schema carries x-kubernetes-validations. */
export function hasCelRules(schema: JSONSchemaProps | undefined): boolean {
  if (!schema) return false;
  let has = celCache.get(schema);
  if (has === undefined) {
    const rules = schema['x-kubernetes-validations'];
    const children = [...Object.values(schema.properties ?? {}), schema.items, isObject(schema.additionalProperties) ? schema.additionalProperties : undefined, ...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
    has = (Array.isArray(rules) && rules.length > 0) || children.some((c) => hasCelRules(c as JSONSchemaProps | undefined));
    celCache.set(schema, has);
  }
  return has;
}
