// Structural-schema defaults as the real apiextensions-apiserver applies them: when a request
// is decoded and when an object is read back (get, list, watch), including a `default` on the
// top-level `status` of a CR whose status subresource is enabled — the status a create drops
// comes back as its default (Gateway API's CRDs rely on this; zen-watcher relies on it to show
// `status.count: 1` on a fresh Observation without a second write). Runs against a real cluster
// too: the CRD group is this run's own.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from './raw-client.ts';
import type { TestTarget } from './target.ts';
import { createCrd, deleteCrd, randomSuffix, testTarget } from './target.ts';
import { waitFor } from './wait-for.ts';

const group = `zen${randomSuffix()}.test.kube-zen.io`;
const plural = 'findings';
const version = 'v1alpha1';
const crdName = `${plural}.${group}`;

const schema = (extraSpec: Record<string, unknown> = {}) => ({
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { title: { type: 'string' }, mode: { type: 'string', default: 'auto' }, ...extraSpec } },
      status: {
        type: 'object',
        default: { count: 1 },
        properties: { count: { type: 'integer', minimum: 1 }, phase: { type: 'string', default: 'New' } },
      },
    },
  },
});

const crd = (extraSpec?: Record<string, unknown>) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: crdName },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'finding', kind: 'Finding', listKind: 'FindingList' },
    versions: [{ name: version, served: true, storage: true, subresources: { status: {} }, schema: schema(extraSpec) }],
  },
});

let target: TestTarget;
let custom: k8s.CustomObjectsApi;
let ns: string;
const params = () => ({ group, version, namespace: ns, plural });
const finding = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: `${group}/${version}`, kind: 'Finding', metadata: { name }, spec: { title: name }, ...extra });
type Obj = Record<string, any>;

beforeAll(async () => {
  target = await testTarget();
  ns = target.namespace;
  await createCrd(target.kc, crd());
  custom = target.kc.makeApiClient(k8s.CustomObjectsApi);
  // A new CRD's resource can take a moment to be served everywhere.
  await waitFor(async () => (await rawRequest(target.kc, 'GET', `/apis/${group}/${version}/namespaces/${ns}/${plural}`)).status === 200, { timeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  if (target) await deleteCrd(target.kc, crdName);
  await target?.cleanup();
}, 90_000);

describe('CRD defaulting', () => {
  it('defaults the request on decode: a missing spec field gets its default and is stored', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...params(), body: finding('decoded') })) as Obj;
    expect(created.spec).toEqual({ title: 'decoded', mode: 'auto' });
  });

  it('a create drops the status of a CR with a status subresource, and reads it back as the status default', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...params(), body: finding('fresh', { status: { count: 7, phase: 'Sent' } }) })) as Obj;
    expect(created.status).toEqual({ count: 1, phase: 'New' });
    const got = (await custom.getNamespacedCustomObject({ ...params(), name: 'fresh' })) as Obj;
    expect(got.status).toEqual({ count: 1, phase: 'New' });
    expect(got.metadata.generation).toBe(1);
  });

  it('lists and watches show the defaulted status too', async () => {
    const list = (await custom.listNamespacedCustomObject({ ...params() })) as Obj;
    expect(list.items.find((i: Obj) => i.metadata.name === 'fresh')?.status).toEqual({ count: 1, phase: 'New' });
    const seen: Obj[] = [];
    const ctl = await new k8s.Watch(target.kc).watch(`/apis/${group}/${version}/namespaces/${ns}/${plural}`, {}, (_type, obj) => seen.push(obj), () => {});
    try {
      await waitFor(() => seen.some((o) => o.metadata?.name === 'fresh'), { timeoutMs: 10_000 });
    } finally {
      ctl.abort();
    }
    expect(seen.find((o) => o.metadata.name === 'fresh')!.status).toEqual({ count: 1, phase: 'New' });
  });

  it('a status write replaces the default, and nested defaults still apply', async () => {
    const cur = (await custom.getNamespacedCustomObject({ ...params(), name: 'fresh' })) as Obj;
    const written = (await custom.replaceNamespacedCustomObjectStatus({ ...params(), name: 'fresh', body: { ...cur, status: { count: 2 } } })) as Obj;
    expect(written.status).toEqual({ count: 2, phase: 'New' });
    const got = (await custom.getNamespacedCustomObject({ ...params(), name: 'fresh' })) as Obj;
    expect(got.status).toEqual({ count: 2, phase: 'New' });
  });

  it('a default added to the schema later shows on objects stored before it', async () => {
    const ext = target.kc.makeApiClient(k8s.ApiextensionsV1Api);
    const cur = await ext.readCustomResourceDefinition({ name: crdName });
    const next = k8s.loadYaml<k8s.V1CustomResourceDefinition>(JSON.stringify({ ...crd({ priority: { type: 'integer', default: 3 } }), metadata: { name: crdName, resourceVersion: cur.metadata!.resourceVersion } }));
    await ext.replaceCustomResourceDefinition({ name: crdName, body: next });
    const got = await waitFor(
      async () => {
        const o = (await custom.getNamespacedCustomObject({ ...params(), name: 'decoded' })) as Obj;
        return o.spec.priority === 3 ? o : undefined;
      },
      { timeoutMs: 30_000, message: 'the new default on an old object' },
    );
    expect(got.spec).toEqual({ title: 'decoded', mode: 'auto', priority: 3 });
  });
});
