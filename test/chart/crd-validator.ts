/**
 * Strict validation of custom resources against our CRDs (charts/zen-watcher/crds/*.yaml), as
 * `kubectl apply --validate=strict` would judge them: the version's openAPIV3Schema with unknown
 * fields refused (except under x-kubernetes-preserve-unknown-fields), and metadata as the API
 * server reads it, an ObjectMeta of Kubernetes v1.32.
 */
import { join } from 'node:path';
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { CHART, isObject, listFiles, pointerToPath, readYamlDocs, type JsonObject } from './chart-files.ts';
import { kubeTypeErrors } from './kube-schema.ts';
import { fromOpenApi, toJsonSchema } from './schema-shape.ts';

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonObject } }[] };
}

const CRD_DIR = join(CHART, 'crds');

/** `group/version/Kind` → validator of that version's schema. */
const validators = new Map<string, (obj: unknown) => string[]>();
for (const file of listFiles(CRD_DIR, '.yaml')) {
  for (const crd of readYamlDocs<Crd>(join(CRD_DIR, file))) {
    for (const v of crd.spec.versions) {
      // metadata is checked as an ObjectMeta below, whatever the CRD says of it.
      const { metadata: _metadata, ...properties } = (v.schema.openAPIV3Schema.properties ?? {}) as JsonObject;
      const schema = { ...v.schema.openAPIV3Schema, properties: { ...properties, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
      const compiled = Compile(toJsonSchema(fromOpenApi(schema)) as unknown as TSchema);
      validators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, (obj) => [...compiled.Errors(obj)].map((e) => `${pointerToPath(e.instancePath)}: ${e.message}`));
    }
  }
}

/** Whether a CRD of ours defines this apiVersion and kind. */
export function isOurs(apiVersion: string, kind: string): boolean {
  return validators.has(`${apiVersion}/${kind}`);
}

/** Errors of a custom resource of ours; [] when it is valid. */
export function crdErrors(object: unknown): string[] {
  if (!isObject(object)) return ['.: not an object'];
  const validate = validators.get(`${String(object.apiVersion)}/${String(object.kind)}`);
  if (!validate) return [`.: no CRD of ours defines ${String(object.apiVersion)} ${String(object.kind)}`];
  return [...validate(object), ...(object.metadata === undefined ? [] : kubeTypeErrors(object.metadata, 'ObjectMeta', 'metadata'))];
}
