import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, GROUP, ObservationSpecSchema, ObservationStatusSchema, SEVERITIES, VERSION } from '@zen-watcher/sdk';
import { SourceSpecSchema } from '@zen-watcher/core';
import { CHART, isObject, listFiles, readYamlDocs, type JsonObject } from './chart-files.ts';
import { fromOpenApi, fromTypebox, type Shape } from './schema-shape.ts';

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    group: string;
    scope: string;
    names: { kind: string; plural: string; singular: string; shortNames?: string[]; categories?: string[] };
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns?: { name: string; type: string; jsonPath: string; priority?: number }[];
      schema: { openAPIV3Schema: JsonObject };
    }[];
  };
}

const CRD_DIR = join(CHART, 'crds');

function loadCrd(file: string): Crd {
  const docs = readYamlDocs<Crd>(join(CRD_DIR, file));
  expect(docs).toHaveLength(1);
  return docs[0];
}

const crds = {
  observation: loadCrd('observations.zen.kube-zen.io.yaml'),
  ingester: loadCrd('ingesters.zen.kube-zen.io.yaml'),
};
const schemaOf = (crd: Crd): JsonObject => crd.spec.versions[0].schema.openAPIV3Schema;
const prop = (s: JsonObject, ...path: string[]): JsonObject =>
  path.reduce<JsonObject>((node, key) => (node.properties as Record<string, JsonObject>)[key], s);

/** Every schema node has a type or preserves unknown fields (Kubernetes' structural rule). */
function structuralProblems(node: unknown, path: string, out: string[]): string[] {
  if (!isObject(node)) return [...out, `${path}: not a schema`];
  if (typeof node.type !== 'string' && node['x-kubernetes-preserve-unknown-fields'] !== true) out.push(`${path}: no type`);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'additionalProperties', 'nullable'] as const) {
    if (k in node) out.push(`${path}: ${k} (keep the schema plainly structural)`);
  }
  if (node.type === 'object' && node.properties && node['x-kubernetes-preserve-unknown-fields']) out.push(`${path}: properties and preserve-unknown-fields`);
  if (node.type === 'array') {
    if (!node.items) out.push(`${path}: array without items`);
    else structuralProblems(node.items, `${path}[]`, out);
    if (node['x-kubernetes-list-type'] === 'map') {
      const keys = (node['x-kubernetes-list-map-keys'] ?? []) as string[];
      const items = node.items as JsonObject;
      for (const key of keys) {
        if (!((items.required ?? []) as string[]).includes(key)) out.push(`${path}: list-map key ${key} is not required`);
      }
    }
  }
  if (isObject(node.properties)) {
    for (const [k, v] of Object.entries(node.properties)) structuralProblems(v, `${path}.${k}`, out);
  }
  return out;
}

/** The schema node a printer column's jsonPath points at, or undefined. */
function resolveJsonPath(root: JsonObject, jsonPath: string): JsonObject | 'meta' | undefined {
  const segments = jsonPath.replace(/^\./, '').split('.');
  if (segments[0] === 'metadata') return ['name', 'namespace', 'creationTimestamp', 'generation', 'uid'].includes(segments[1]) ? 'meta' : undefined;
  let node: JsonObject | undefined = root;
  // A filter like conditions[?(@.type=="Ready")] selects array items: step into items.
  for (const seg of jsonPath.replace(/^\./, '').replace(/\[\?\(@\.[a-zA-Z]+=="[^"]*"\)\]/g, '[]').split('.')) {
    const [name, ...arrays] = seg.split('[]');
    node = isObject(node?.properties) ? ((node.properties as Record<string, JsonObject>)[name] ?? undefined) : undefined;
    for (let i = 0; i < arrays.length && node; i++) node = node.items as JsonObject | undefined;
    if (!node) return undefined;
  }
  return node;
}

describe.each(Object.entries(crds))('%s CRD', (kind, crd) => {
  it('is a v1 CRD of zen.kube-zen.io/v1alpha1, namespaced, served, stored, with a status subresource', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.spec.group).toBe(GROUP);
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${GROUP}`);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names.kind.toLowerCase()).toBe(kind);
    expect(crd.spec.names.categories).toContain('zen');
    expect(crd.spec.versions).toHaveLength(1);
    const [v] = crd.spec.versions;
    expect(v).toMatchObject({ name: VERSION, served: true, storage: true, subresources: { status: {} } });
  });

  it('has a structural schema', () => {
    expect(structuralProblems(schemaOf(crd), '', [])).toEqual([]);
  });

  it('has printer columns that point at fields of the schema, with matching types', () => {
    const columns = crd.spec.versions[0].additionalPrinterColumns ?? [];
    expect(columns.length).toBeGreaterThan(3);
    expect(columns.at(-1)).toMatchObject({ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' });
    for (const c of columns) {
      const node = resolveJsonPath(schemaOf(crd), c.jsonPath);
      expect(node, `${c.name}: ${c.jsonPath}`).toBeDefined();
      if (node === 'meta' || node === undefined) continue;
      if (c.type === 'date') expect(node, c.name).toMatchObject({ type: 'string', format: 'date-time' });
      else expect(node.type, c.name).toBe(c.type);
    }
    expect(new Set(columns.map((c) => c.name)).size).toBe(columns.length);
  });

  it('has short names that no built-in resource uses', () => {
    const builtin = ['ing', 'cm', 'ev', 'po', 'svc', 'ns', 'no', 'deploy', 'ds', 'sts', 'rs', 'sa', 'pv', 'pvc', 'ep', 'hpa', 'pdb', 'netpol', 'crd', 'crds', 'cs', 'csr', 'limits', 'quota', 'rc', 'sc', 'pc', 'ds'];
    for (const s of crd.spec.names.shortNames ?? []) expect(builtin, s).not.toContain(s);
  });
});

describe('Observation CRD against @zen-watcher/sdk', () => {
  const crdSchema = schemaOf(crds.observation);

  it('spec has exactly the constraints of ObservationSpecSchema', () => {
    expect(fromOpenApi(prop(crdSchema, 'spec'))).toEqual(fromTypebox(ObservationSpecSchema));
  });

  it('spec enums are the sdk SEVERITIES and CATEGORIES, required as in the sdk', () => {
    const spec = prop(crdSchema, 'spec');
    expect(prop(spec, 'severity').enum).toEqual([...SEVERITIES]);
    expect(prop(spec, 'category').enum).toEqual([...CATEGORIES]);
    expect([...(spec.required as string[])].sort()).toEqual([...ObservationSpecSchema.required].sort());
  });

  it('status has the fields and bounds of ObservationStatusSchema (none required: a create carries no status)', () => {
    const status = fromOpenApi(prop(crdSchema, 'status'));
    const sdk = fromTypebox(ObservationStatusSchema);
    expect(status.required).toBeUndefined();
    expect({ ...status, required: undefined }).toEqual({ ...sdk, required: undefined });
  });

  it('shows the columns the design asks for: source, severity, category, type, resource, count, age', () => {
    const wide = (crds.observation.spec.versions[0].additionalPrinterColumns ?? []).filter((c) => !c.priority);
    expect(wide.map((c) => c.jsonPath)).toEqual([
      '.spec.source',
      '.spec.severity',
      '.spec.category',
      '.spec.eventType',
      '.spec.resource.name',
      '.status.count',
      '.metadata.creationTimestamp',
    ]);
    expect(crds.observation.spec.names.shortNames).toEqual(['obs']);
  });
});

describe('Ingester CRD against @zen-watcher/core', () => {
  const crdSchema = schemaOf(crds.ingester);

  it('spec has exactly the constraints of the SourceSpecSchema the host validates Ingesters with', () => {
    expect(fromOpenApi(prop(crdSchema, 'spec'))).toEqual(fromTypebox(SourceSpecSchema));
  });

  it('status has standard conditions keyed by type, and the fields the host writes', () => {
    const status = prop(crdSchema, 'status');
    const conditions = prop(status, 'conditions');
    expect(conditions).toMatchObject({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
    const item = fromOpenApi(conditions.items);
    expect(item.required).toEqual(['lastTransitionTime', 'message', 'reason', 'status', 'type']);
    expect(item.properties?.status.enum).toEqual(['True', 'False', 'Unknown']);
    const fields = Object.keys(status.properties as object);
    // Exactly what the host writes (core/src/cluster/ingester-controller.ts): no field nobody fills.
    expect(fields.sort()).toEqual(['activeOn', 'conditions', 'observedGeneration', 'webhookPath']);
  });

  it('has the Ready and Reason columns, and short name zing (ing is Ingress)', () => {
    const cols = crds.ingester.spec.versions[0].additionalPrinterColumns ?? [];
    expect(cols.map((c) => c.name)).toEqual(expect.arrayContaining(['Source', 'Ready', 'Reason', 'Path', 'Age']));
    expect(crds.ingester.spec.names.shortNames).toEqual(['zing']);
  });
});

it('crds/ holds exactly the two CRDs', () => {
  expect(listFiles(CRD_DIR, '.yaml', '.yml', '.json')).toEqual(['ingesters.zen.kube-zen.io.yaml', 'observations.zen.kube-zen.io.yaml']);
});
