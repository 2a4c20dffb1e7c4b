// Legacy (non-aggregated) discovery documents: /api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>,
// and /version. kubectl and client-node fall back to these when the aggregated format is not
// offered, so they are enough for both.
import { createHash } from 'node:crypto';
import type { ApiRegistry } from './api-registry.ts';
import type { ResourceType } from './resource-types.ts';

// The release the probe's reference (shared/kube-probe/real-v1.32.json) and the test kubectl are.
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.6',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-06-17T00:00:00Z',
  goVersion: 'go1.23.10',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** discovery's StorageVersionHash: the first 8 bytes of sha256("group/version/kind"), base64. */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupDoc(name: string, versions: string[]): object {
  const gvs = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ApiRegistry): object {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, vs]) => groupDoc(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: ApiRegistry, group: string): object | undefined {
  const vs = registry.groups().get(group);
  if (!vs || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(group, vs) };
}

const SUBRESOURCE_VERBS: Record<string, string[]> = { status: ['get', 'patch', 'update'], finalize: ['update'] };

function resourceEntries(t: ResourceType): object[] {
  const main: Record<string, unknown> = { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: t.verbs };
  if (t.shortNames.length) main.shortNames = t.shortNames;
  if (t.categories.length) main.categories = t.categories;
  if (t.storageVersionHash) main.storageVersionHash = t.storageVersionHash;
  const subs = t.subresources.map((s) => ({ name: `${t.plural}/${s}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: SUBRESOURCE_VERBS[s] ?? ['get'] }));
  return [main, ...subs];
}

export function apiResourceList(registry: ApiRegistry, group: string, version: string): object | undefined {
  if (!registry.hasGroupVersion(group, version)) return undefined;
  const resources = registry
    .inGroupVersion(group, version)
    .sort((a, b) => (a.plural < b.plural ? -1 : 1))
    .flatMap(resourceEntries);
  // The legacy /api/v1 document carries no apiVersion; group documents do.
  const typeMeta = group ? { kind: 'APIResourceList', apiVersion: 'v1' } : { kind: 'APIResourceList' };
  return { ...typeMeta, groupVersion: group ? `${group}/${version}` : version, resources };
}
