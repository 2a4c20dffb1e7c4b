import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './raw-client.ts';
import type { TestTarget } from './target.ts';
import { fakeOnly, testTarget } from './target.ts';

let target: TestTarget;

beforeAll(async () => {
  target = await testTarget();
});
afterAll(() => target?.cleanup());

describe('discovery', () => {
  it('serves /version, /api and /apis', async () => {
    const v = await target.kc.makeApiClient(k8s.VersionApi).getCode();
    expect(v.major).toBe('1');
    expect(v.gitVersion).toMatch(/^v1\.\d+/);
    const api = (await rawRequest(target.kc, 'GET', '/api')).json();
    expect(api).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = (await rawRequest(target.kc, 'GET', '/apis')).json();
    const names = apis.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(['coordination.k8s.io', 'apiextensions.k8s.io', 'events.k8s.io', 'authentication.k8s.io']));
    const coord = (await rawRequest(target.kc, 'GET', '/apis/coordination.k8s.io')).json();
    expect(coord).toMatchObject({ kind: 'APIGroup', name: 'coordination.k8s.io', preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' } });
  });

  it('lists resources with verbs, scope, kind, short names and subresources', async () => {
    const core = (await rawRequest(target.kc, 'GET', '/api/v1')).json();
    const byName = new Map<string, Record<string, any>>(core.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('configmaps')).toMatchObject({ namespaced: true, kind: 'ConfigMap', shortNames: ['cm'] });
    expect(byName.get('configmaps')!.verbs).toEqual(expect.arrayContaining(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']));
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    expect(byName.get('namespaces/status')).toMatchObject({ kind: 'Namespace' });
    expect(byName.get('events')).toMatchObject({ kind: 'Event', namespaced: true });
    const coord = await target.kc.makeApiClient(k8s.CoordinationV1Api).getAPIResources();
    expect(coord.resources.find((r) => r.name === 'leases')).toMatchObject({ namespaced: true, kind: 'Lease' });
    const ext = await target.kc.makeApiClient(k8s.ApiextensionsV1Api).getAPIResources();
    const crd = ext.resources.find((r) => r.name === 'customresourcedefinitions');
    expect(crd).toMatchObject({ namespaced: false, kind: 'CustomResourceDefinition' });
    expect(crd?.shortNames).toEqual(expect.arrayContaining(['crd', 'crds']));
    expect(ext.resources.map((r) => r.name)).toContain('customresourcedefinitions/status');
  });

  it('answers 404 for unknown groups and resources', async () => {
    expect((await rawRequest(target.kc, 'GET', '/apis/nope.example.com/v1')).status).toBe(404);
    expect((await rawRequest(target.kc, 'GET', '/api/v1/nopes')).status).toBe(404);
  });
});

describe('authentication', () => {
  it.skipIf(fakeOnly('sends a token the fake server did not issue'))('refuses requests without a token the server issued with 401', async () => {
    const res = await fetch(`${target.api!.url}/api/v1/namespaces`, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await fetch(`${target.api!.url}/api/v1/namespaces`)).status).toBe(401);
  });

  it.skipIf(fakeOnly('mints a token through the fake server'))('reviews tokens it issued (TokenReview)', async () => {
    const token = target.api!.issueToken('system:serviceaccount:zen:watcher');
    const auth = target.kc.makeApiClient(k8s.AuthenticationV1Api);
    const ok = await auth.createTokenReview({ body: { spec: { token } } });
    expect(ok.status).toMatchObject({ authenticated: true, user: { username: 'system:serviceaccount:zen:watcher' } });
    expect(ok.status?.user?.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:zen', 'system:authenticated']);
    const bad = await auth.createTokenReview({ body: { spec: { token: 'nope' } } });
    expect(bad.status?.authenticated).toBeFalsy();
  });

  it.skipIf(fakeOnly('writes a kubeconfig for the fake server'))('serves client-node over plain http on the same port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zw-http-'));
    try {
      await target.api!.writeKubeconfig(join(dir, 'kc'), { scheme: 'http', user: 'plain' });
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(join(dir, 'kc'));
      expect(kc.getCurrentCluster()?.server).toBe(target.api!.url);
      const names = (await kc.makeApiClient(k8s.CoreV1Api).listNamespace()).items.map((n) => n.metadata?.name);
      expect(names).toContain(target.namespace);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 405 for a verb a resource does not have', async () => {
    const res = await rawRequest(target.kc, 'GET', '/apis/authentication.k8s.io/v1/tokenreviews');
    expect(res.status).toBe(405);
    expect(res.json()).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });
});
