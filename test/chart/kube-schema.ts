/**
 * Strict validation of built-in Kubernetes objects against the API types of Kubernetes v1.32,
 * as `kubectl apply --validate=strict` would judge them: unknown fields, wrong types and missing
 * required fields are errors.
 *
 * The types come from the npm package cdk8s-plus-32 (pinned as a dev dependency). No npm
 * package ships the v1.32 JSON schemas themselves: kubernetes-models went from v1.27 to v1.33 and
 * v1.36, and accepts unknown fields; the kubernetes-json-schema sets are not on npm. cdk8s-plus-32
 * is maintained by the cdk8s project and generated from the Kubernetes 1.32.0 OpenAPI document:
 * its jsii assembly (`.jsii`) describes every type (each property, whether it is required, its
 * type), and its generated `lib/imports/k8s.js` maps each property to its wire name
 * (`clusterIp` → `clusterIP`) and each resource to its apiVersion and kind. Both are read as data;
 * nothing here is written by hand but the Quantity grammar, which the OpenAPI document only
 * describes in prose.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isObject } from './chart-files.ts';

const PREFIX = 'cdk8s-plus-32.k8s.';

interface TypeRef {
  primitive?: 'string' | 'number' | 'boolean' | 'date' | 'any' | 'json';
  fqn?: string;
  collection?: { kind: 'array' | 'map'; elementtype: TypeRef };
  union?: { types: TypeRef[] };
}
interface Property {
  name: string;
  optional?: boolean;
  type: TypeRef;
}
interface JsiiType {
  kind: 'interface' | 'class' | 'enum';
  properties?: Property[];
  docs?: { custom?: { schema?: string } };
}
/** A struct: its properties by wire name. */
interface Struct {
  schema: string;
  fields: Map<string, Property>;
}

const packageDir = dirname(createRequire(import.meta.url).resolve('cdk8s-plus-32/package.json'));

function load(): { structs: Map<string, Struct>; kinds: Map<string, string>; types: Record<string, JsiiType> } {
  const types = (JSON.parse(readFileSync(join(packageDir, '.jsii'), 'utf8')) as { types: Record<string, JsiiType> }).types;
  const js = readFileSync(join(packageDir, 'lib/imports/k8s.js'), 'utf8');
  // Wire names: `function toJson_X(obj) { ... const result = { 'wireName': ...obj.tsName... }`.
  const wire = new Map<string, Map<string, string>>();
  for (const m of js.matchAll(/function toJson_(\w+)\(obj\) \{([\s\S]*?)\n\}/g)) {
    const names = new Map<string, string>();
    for (const p of m[2].matchAll(/^\s+'([^']+)': .*?obj\.(\w+)/gm)) names.set(p[2], p[1]);
    wire.set(m[1], names);
  }
  const structs = new Map<string, Struct>();
  for (const [fqn, t] of Object.entries(types)) {
    if (!fqn.startsWith(PREFIX) || t.kind !== 'interface') continue;
    const name = fqn.slice(PREFIX.length);
    const names = wire.get(name);
    if (!names) throw new Error(`cdk8s-plus-32: no toJson_${name} for the wire names`);
    const fields = new Map<string, Property>();
    for (const p of t.properties ?? []) fields.set(names.get(p.name) ?? p.name, p);
    structs.set(fqn, { schema: t.docs?.custom?.schema ?? name, fields });
  }
  // Resources: `class KubeX ... static GVK = { apiVersion: 'g/v', kind: 'K' }`, props KubeXProps.
  const kinds = new Map<string, string>();
  for (const m of js.matchAll(/fqn: "cdk8s-plus-32\.k8s\.(Kube\w+)"[^}]*\}(?:(?!fqn: )[^])*?static GVK = \{\s*apiVersion: '([^']+)',\s*kind: '([^']+)'/g)) {
    const props = `${PREFIX}${m[1]}Props`;
    if (structs.has(props)) kinds.set(`${m[2]}/${m[3]}`, props);
  }
  return { structs, kinds, types };
}

const model = load();

/** apiVersion/kind of every resource type of v1.32 (e.g. `apps/v1/Deployment`). */
export const KNOWN_KINDS: ReadonlySet<string> = new Set(model.kinds.keys());

/** A resource.Quantity as apimachinery parses it: a signed decimal and an optional suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

function checkValue(value: unknown, type: TypeRef, path: string, errors: string[]): void {
  const fail = (what: string): void => {
    errors.push(`${path}: ${what}, got ${JSON.stringify(value)}`);
  };
  if (type.primitive) {
    switch (type.primitive) {
      case 'any':
      case 'json':
        return;
      case 'date':
        if (typeof value !== 'string' || !RFC3339.test(value)) fail('expected an RFC 3339 time');
        return;
      default:
        if (typeof value !== type.primitive) fail(`expected a ${type.primitive}`);
        return;
    }
  }
  if (type.collection) {
    const { kind, elementtype } = type.collection;
    if (kind === 'array') {
      if (!Array.isArray(value)) return fail('expected a list');
      value.forEach((v, i) => checkValue(v, elementtype, `${path}[${i}]`, errors));
    } else {
      if (!isObject(value)) return fail('expected a map');
      for (const [k, v] of Object.entries(value)) checkValue(v, elementtype, `${path}.${k}`, errors);
    }
    return;
  }
  if (type.union) {
    if (!type.union.types.some((t) => { const e: string[] = []; checkValue(value, t, path, e); return e.length === 0; })) fail('matches none of its types');
    return;
  }
  const fqn = type.fqn ?? '';
  if (fqn === `${PREFIX}IntOrString`) {
    if (typeof value !== 'string' && !Number.isInteger(value)) fail('expected an integer or a string');
    return;
  }
  if (fqn === `${PREFIX}Quantity`) {
    if (!(typeof value === 'number' || (typeof value === 'string' && QUANTITY.test(value)))) fail('expected a quantity');
    return;
  }
  const struct = model.structs.get(fqn);
  if (struct) return checkStruct(value, struct, path, errors);
  if (model.types[fqn]?.kind === 'enum') {
    if (typeof value !== 'string') fail('expected a string');
    return;
  }
  throw new Error(`${path}: type ${fqn} is not in cdk8s-plus-32`);
}

function checkStruct(value: unknown, struct: Struct, path: string, errors: string[], skip: string[] = []): void {
  if (!isObject(value)) {
    errors.push(`${path || '.'}: expected an object (${struct.schema}), got ${JSON.stringify(value)}`);
    return;
  }
  const at = (k: string) => (path ? `${path}.${k}` : k);
  for (const [k, v] of Object.entries(value)) {
    if (skip.includes(k)) continue;
    const field = struct.fields.get(k);
    if (!field) errors.push(`${at(k)}: unknown field (not in ${struct.schema})`);
    // A null is an absent field to the API server's decoder.
    else if (v !== null) checkValue(v, field.type, at(k), errors);
  }
  for (const [k, field] of struct.fields) {
    if (!field.optional && (value[k] === undefined || value[k] === null)) errors.push(`${at(k)}: required (by ${struct.schema})`);
  }
}

/** Errors of a built-in object (apiVersion and kind pick its type); [] when it is valid. */
export function kubeErrors(object: unknown): string[] {
  if (!isObject(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return ['.: not an object with apiVersion and kind'];
  const props = model.kinds.get(`${object.apiVersion}/${object.kind}`);
  if (!props) return [`.: ${object.apiVersion} ${object.kind} is not a resource of Kubernetes v1.32`];
  const errors: string[] = [];
  checkStruct(object, model.structs.get(props)!, '', errors, ['apiVersion', 'kind']);
  return errors;
}

/** Errors of one value of a named v1.32 type (e.g. `ObjectMeta`), at `path`. */
export function kubeTypeErrors(value: unknown, type: string, path: string): string[] {
  const struct = model.structs.get(`${PREFIX}${type}`);
  if (!struct) throw new Error(`no type ${type} in cdk8s-plus-32`);
  const errors: string[] = [];
  checkStruct(value, struct, path, errors);
  return errors;
}
