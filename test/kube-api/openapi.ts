// A skeleton of /openapi/v3: paths and operations with their group-version-kind and query
// parameters, no schemas. It exists so kubectl sees that the server validates fields itself
// (the `fieldValidation` parameter) and skips its client-side schema download; `kubectl
// explain` and client-side apply, which need the schemas, are not supported.
import { createHash } from 'node:crypto';
import type { ApiRegistry } from './api-registry.ts';
import type { ResourceType } from './resource-types.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'].map((name) => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } }));

function operations(t: ResourceType): Record<string, unknown> {
  const gvk = { 'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind } };
  const base = `/${gvPath(t.group, t.version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
  const op = (action: string, params = false) => ({ operationId: `${action}${t.kind}`, 'x-kubernetes-action': action, ...gvk, ...(params ? { parameters: WRITE_PARAMS } : {}) });
  return {
    [base]: { get: op('list'), post: op('post', true), delete: op('deletecollection') },
    [`${base}/{name}`]: { get: op('get'), put: op('put', true), patch: op('patch', true), delete: op('delete') },
  };
}

export function openApiDocument(registry: ApiRegistry, group: string, version: string, serverVersion: string): object | undefined {
  const types = registry.inGroupVersion(group, version);
  if (types.length === 0) return undefined;
  const paths = Object.assign({}, ...types.map(operations));
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: serverVersion }, paths, components: { schemas: {} } };
}

export function openApiRoot(registry: ApiRegistry, serverVersion: string): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groups()) {
    for (const v of versions) {
      const doc = JSON.stringify(openApiDocument(registry, group, v, serverVersion));
      const hash = createHash('sha512').update(doc).digest('hex').slice(0, 64).toUpperCase();
      paths[gvPath(group, v)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, v)}?hash=${hash}` };
    }
  }
  return { paths };
}
