// CustomResourceDefinition objects: their validation and defaults, and the resource types a
// CRD's served versions become (unstructured semantics: generation, status subresource,
// schema pruning/defaulting/validation, selectableFields).
import { OBJECT_META, decodeBuiltin } from './builtin-schemas.ts';
import type { JSONSchemaProps } from './crd-schema.ts';
import { applyDefaults, decodeCustomResource, hasDefaults, validateCustomResource } from './crd-schema.ts';
import type { FieldError } from './field-errors.ts';
import { invalidValue, notSupported, required } from './field-errors.ts';
import { storageVersionHash } from './discovery.ts';
import { clone, isObject } from './patch.ts';
import type { Obj, ResourceType } from './resource-types.ts';

// Spelled out rather than imported: resource-types.ts imports this module for the CRD type.
const CR_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export function storageVersion(crd: Obj): string | undefined {
  return (crd.spec?.versions ?? []).find((v: Obj) => v.storage)?.name;
}

export function validateCrd(crd: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (old && old.spec?.scope !== crd.spec?.scope) errs.push(invalidValue('spec.scope', crd.spec?.scope ?? '', 'field is immutable'));
  if (old && old.spec?.group !== crd.spec?.group) errs.push(invalidValue('spec.group', crd.spec?.group ?? '', 'field is immutable'));
  const spec = crd.spec ?? {};
  const names = spec.names ?? {};
  if (!spec.group) errs.push(required('spec.group'));
  if (!names.plural) errs.push(required('spec.names.plural'));
  if (!names.kind) errs.push(required('spec.names.kind'));
  if (!names.listKind) errs.push(required('spec.names.listKind'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  if (spec.group && names.plural && crd.metadata?.name !== `${names.plural}.${spec.group}`) {
    errs.push(invalidValue('metadata.name', crd.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  const versions: Obj[] = spec.versions ?? [];
  if (versions.length === 0) errs.push(invalidValue('spec.versions', versions, 'must have exactly one version marked as storage version'));
  else if (versions.filter((v) => v.storage).length !== 1) errs.push(invalidValue('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (versions.length > 0 && !versions.some((v) => v.served)) errs.push(invalidValue('spec.versions', versions, 'must serve at least one version'));
  // Versions sharing one schema are validated as the internal top-level spec.validation, which
  // is where the real messages point.
  const shared = versions.length > 0 && versions.every((v) => JSON.stringify(v.schema) === JSON.stringify(versions[0].schema));
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!v.name) errs.push(required(`${p}.name`));
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) errs.push(required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (schema.type !== 'object') errs.push(required(`${p}.schema.openAPIV3Schema.type`, 'must not be empty at the root'));
    if (schema && (!shared || i === 0)) errs.push(...schemaTypeErrors(schema, shared ? 'spec.validation.openAPIV3Schema' : `${p}.schema.openAPIV3Schema`));
  });
  return errs;
}

const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/** Every `type` in a schema must be one of the JSON schema types (or empty). */
function schemaTypeErrors(schema: Obj, path: string, errs: FieldError[] = []): FieldError[] {
  if (!isObject(schema)) return errs;
  if (schema.type !== undefined && schema.type !== '' && !SCHEMA_TYPES.includes(schema.type)) errs.push(notSupported(`${path}.type`, schema.type, SCHEMA_TYPES));
  for (const [k, sub] of Object.entries(schema.properties ?? {})) schemaTypeErrors(sub as Obj, `${path}.properties[${k}]`, errs);
  if (isObject(schema.items)) schemaTypeErrors(schema.items, `${path}.items`, errs);
  if (isObject(schema.additionalProperties)) schemaTypeErrors(schema.additionalProperties, `${path}.additionalProperties`, errs);
  return errs;
}

/** SetDefaults_CustomResourceDefinition plus the status a freshly created CRD carries. */
export function defaultCrd(crd: Obj): void {
  const spec = crd.spec ?? (crd.spec = {});
  const names = spec.names ?? (spec.names = {});
  if (names.kind) {
    names.singular ??= String(names.kind).toLowerCase();
    names.listKind ??= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  for (const v of spec.versions ?? []) v.served ??= true;
}

export function initialCrdStatus(crd: Obj): Obj {
  const sv = storageVersion(crd);
  // A new CRD's status renders its (nil) conditions as null until the controllers set some.
  return { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: sv ? [sv] : [] };
}

/** Evaluates a selectableFields / printer-column JSONPath of the simple `.a.b.c` form. */
export function simpleJsonPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.replace(/^\./, '').split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export function customResourceTypes(crd: Obj): ResourceType[] {
  const spec = crd.spec;
  const names = spec.names;
  const group: string = spec.group;
  const storage = storageVersion(crd)!;
  const namespaced = spec.scope === 'Namespaced';
  const out: ResourceType[] = [];
  const servedVersions: string[] = (spec.versions ?? []).filter((v: Obj) => v.served).map((v: Obj) => v.name);
  for (const v of spec.versions ?? []) {
    if (!v.served) continue;
    const schema: JSONSchemaProps | undefined = v.schema?.openAPIV3Schema;
    const apiVersion = `${group}/${v.name}`;
    const selectable: string[] = (v.selectableFields ?? []).map((f: Obj) => String(f.jsonPath).replace(/^\./, ''));
    const hasStatus = isObject(v.subresources?.status);
    const defaulted = hasDefaults(schema);
    out.push({
      group,
      version: v.name,
      plural: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      namespaced,
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: CR_VERBS,
      subresources: hasStatus ? ['status'] : [],
      storageKey: `${group}/${names.plural}`,
      etcdPrefix: `/registry/${group}/${names.plural}`,
      custom: true,
      nameRule: 'subdomain',
      generation: true,
      statusSubresource: hasStatus,
      allowCreateOnUpdate: false,
      allowUnconditionalUpdate: false,
      crdName: crd.metadata.name,
      servedVersions,
      schema,
      storageVersionHash: storageVersionHash(group, storage, names.kind),
      decode(body) {
        const obj = structuredClone(body);
        // Custom resources are stored in the storage version; with conversion strategy None
        // only apiVersion changes between versions.
        obj.apiVersion = `${group}/${storage}`;
        const label = `${names.kind} in version "${v.name}" cannot be handled as a ${names.kind}`;
        const unknownMeta = obj.metadata !== undefined ? decodeBuiltin(obj.metadata, OBJECT_META, label, 'metadata') : [];
        return { obj, unknown: [...unknownMeta, ...decodeCustomResource(obj, schema)] };
      },
      // Reading from storage defaults too (the storage codec runs the structural defaulter):
      // defaults added to the schema later show on old objects, and a status dropped on create
      // comes back as its default.
      encode: (stored) => {
        const out = stored.apiVersion === apiVersion ? stored : { ...stored, apiVersion };
        if (!defaulted) return out;
        const copy = clone(out);
        applyDefaults(copy, schema);
        return copy;
      },
      fieldLabels(o) {
        const labels: Record<string, string> = { 'metadata.name': o.metadata?.name ?? '' };
        if (namespaced) labels['metadata.namespace'] = o.metadata?.namespace ?? '';
        for (const f of selectable) {
          const val = simpleJsonPath(o, f);
          labels[f] = val === undefined || val === null ? '' : String(val);
        }
        return labels;
      },
      validate: (obj, _old, subresource) => validateCustomResource(obj, schema, subresource === 'status'),
    });
  }
  return out;
}

/** The CRD's printer columns for a version (for server-side Table output). */
export function printerColumns(crd: Obj, version: string): Obj[] {
  const v = (crd.spec?.versions ?? []).find((x: Obj) => x.name === version);
  return v?.additionalPrinterColumns ?? [];
}
