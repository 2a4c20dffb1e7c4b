/**
 * Reduces a schema to the constraints that decide what is valid (types, enums, required,
 * bounds, patterns), so a CRD's openAPIV3Schema can be compared with the typebox schema the code
 * validates with, and turned into plain JSON Schema to validate manifests.
 */
import { isObject, type JsonObject } from './chart-files.ts';

export interface Shape {
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, Shape>;
  items?: Shape;
  /** An object that takes any keys (a record, or x-kubernetes-preserve-unknown-fields). */
  open?: true;
}

const BOUNDS = ['pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'] as const;

function common(s: JsonObject, out: Shape): Shape {
  for (const k of BOUNDS) if (s[k] !== undefined) (out as Record<string, unknown>)[k] = s[k];
  // int64/int32 are Kubernetes' integer widths, not constraints a validator checks.
  if (typeof s.format === 'string' && s.format !== 'int64' && s.format !== 'int32') out.format = s.format;
  return out;
}

/** Shape of a schema built with typebox (a Union of Literals is an enum, a Record is open). */
export function fromTypebox(schema: unknown): Shape {
  if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(schema)}`);
  const s = schema;
  if (Array.isArray(s.anyOf) && s.anyOf.every((x) => isObject(x) && 'const' in x)) {
    const values = s.anyOf.map((x) => (x as JsonObject).const);
    return { type: typeof values[0], enum: values };
  }
  const out: Shape = { type: String(s.type) };
  if (s.type === 'object') {
    if (isObject(s.properties)) {
      out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, fromTypebox(v)]));
    }
    if (isObject(s.patternProperties) || !isObject(s.properties)) out.open = true;
    if (Array.isArray(s.required) && s.required.length > 0) out.required = [...(s.required as string[])].sort();
  }
  if (s.type === 'array') out.items = fromTypebox(s.items);
  return common(s, out);
}

/** Shape of a CRD's structural schema. */
export function fromOpenApi(schema: unknown): Shape {
  if (!isObject(schema)) throw new Error(`not a schema: ${JSON.stringify(schema)}`);
  const s = schema;
  const out: Shape = { type: String(s.type) };
  if (Array.isArray(s.enum)) out.enum = [...s.enum];
  if (s.type === 'object') {
    if (isObject(s.properties)) {
      out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, fromOpenApi(v)]));
    }
    if (s['x-kubernetes-preserve-unknown-fields'] === true || !isObject(s.properties)) out.open = true;
    if (Array.isArray(s.required) && s.required.length > 0) out.required = [...(s.required as string[])].sort();
  }
  if (s.type === 'array') out.items = fromOpenApi(s.items);
  return common(s, out);
}

/**
 * JSON Schema (draft-07) of a CRD schema as `kubectl apply` treats it by default (strict field
 * validation): unknown fields are errors except where x-kubernetes-preserve-unknown-fields.
 */
export function toJsonSchema(shape: Shape): JsonObject {
  const out: JsonObject = {};
  if (shape.type) out.type = shape.type;
  if (shape.enum) out.enum = shape.enum as JsonObject[];
  for (const k of [...BOUNDS, 'format'] as const) if (shape[k] !== undefined) out[k] = shape[k] as string | number;
  if (shape.properties) out.properties = Object.fromEntries(Object.entries(shape.properties).map(([k, v]) => [k, toJsonSchema(v)]));
  if (shape.type === 'object' && !shape.open) out.additionalProperties = false;
  if (shape.required) out.required = shape.required;
  if (shape.items) out.items = toJsonSchema(shape.items);
  return out;
}
