import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import type { TestTarget } from './target.ts';
import { testTarget } from './target.ts';

let target: TestTarget;
let core: k8s.CoreV1Api;
let ns: string;

beforeAll(async () => {
  target = await testTarget();
  core = target.kc.makeApiClient(k8s.CoreV1Api);
  ns = target.namespace;
});
afterAll(() => target?.cleanup());

const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

describe('ConfigMap CRUD', () => {
  it('creates with server-set metadata and reads it back', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one', labels: { app: 'a' } }, data: { k: 'v' } } });
    expect(cm.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cm.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(cm.metadata?.namespace).toBe(ns);
    expect(cm.metadata?.generation).toBeUndefined();
    expect(cm.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await core.readNamespacedConfigMap({ name: 'one', namespace: ns });
    expect(read.data).toEqual({ k: 'v' });
    expect(read.kind).toBe('ConfigMap');
    expect(read.apiVersion).toBe('v1');
  });

  it('answers 404 NotFound with a Status', async () => {
    const f = await apiFailure(core.readNamespacedConfigMap({ name: 'nope', namespace: ns }));
    expect(f.code).toBe(404);
    expect(f.status).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'configmaps "nope" not found', details: { name: 'nope', kind: 'configmaps' } });
  });

  it('refuses a duplicate with 409 AlreadyExists', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } });
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } }));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists', details: { name: 'dup', kind: 'configmaps' } });
  });

  it('refuses a create that carries a resourceVersion (500 from etcd, as in a cluster)', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-src' } } });
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv-copy', resourceVersion: cm.metadata!.resourceVersion } } }));
    expect(f.code).toBe(500);
    expect(f.status.message).toBe('resourceVersion should not be set on objects to be created');
  });

  it('generates names from generateName', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    expect(cm.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect(cm.metadata?.generateName).toBe('gen-');
  });

  it('refuses invalid names and label values with 422', async () => {
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'Bad_Name', labels: { ok: 'not ok' } } } }));
    expect(f.code).toBe(422);
    expect(f.status.reason).toBe('Invalid');
    expect(f.status.details.causes.map((c: { field: string }) => c.field)).toEqual(['metadata.name', 'metadata.labels']);
    expect(f.status.message).toMatch(/^ConfigMap "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });

  it('updates with optimistic concurrency and the real Conflict message', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'occ' }, data: { n: '1' } } });
    const updated = await core.replaceNamespacedConfigMap({ name: 'occ', namespace: ns, body: { ...cm, data: { n: '2' } } });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(Number(cm.metadata!.resourceVersion));
    const f = await apiFailure(core.replaceNamespacedConfigMap({ name: 'occ', namespace: ns, body: { ...cm, data: { n: '3' } } }));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'occ', kind: 'configmaps' },
    });
  });

  it('allows an unconditional PUT (no resourceVersion) for ConfigMaps', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'uncond' }, data: { a: '1' } } });
    const out = await core.replaceNamespacedConfigMap({ name: 'uncond', namespace: ns, body: { metadata: { name: 'uncond' }, data: { a: '2' } } });
    expect(out.data).toEqual({ a: '2' });
  });

  it('does not bump resourceVersion for a no-op update', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'noop' }, data: { a: '1' } } });
    const same = await core.replaceNamespacedConfigMap({ name: 'noop', namespace: ns, body: cm });
    expect(same.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it('refuses a PUT whose name does not match the URL with 400', async () => {
    const f = await apiFailure(core.replaceNamespacedConfigMap({ name: 'occ', namespace: ns, body: { metadata: { name: 'other' } } }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe('BadRequest');
  });

  it('applies merge, JSON and strategic merge patches', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'p', labels: { a: '1' } }, data: { x: '1', y: '2' } } });
    let cm = await core.patchNamespacedConfigMap({ name: 'p', namespace: ns, body: { data: { x: null, z: '3' } } }, merge);
    expect(cm.data).toEqual({ y: '2', z: '3' });
    cm = await core.patchNamespacedConfigMap({ name: 'p', namespace: ns, body: [{ op: 'replace', path: '/data/y', value: 'two' }] });
    expect(cm.data).toEqual({ y: 'two', z: '3' });
    cm = await core.patchNamespacedConfigMap({ name: 'p', namespace: ns, body: { metadata: { labels: { b: '2' }, finalizers: ['example.com/x'] } } }, strategic);
    expect(cm.metadata?.labels).toEqual({ a: '1', b: '2' });
    cm = await core.patchNamespacedConfigMap({ name: 'p', namespace: ns, body: { metadata: { finalizers: ['example.com/y'] } } }, strategic);
    expect(cm.metadata?.finalizers).toEqual(['example.com/y', 'example.com/x']);
    await core.patchNamespacedConfigMap({ name: 'p', namespace: ns, body: { metadata: { finalizers: null } } }, merge);
  });

  it('answers 422 when a JSON patch test fails and 409 for a stale resourceVersion in a patch', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'pt' }, data: { a: '1' } } });
    const f = await apiFailure(core.patchNamespacedConfigMap({ name: 'pt', namespace: ns, body: [{ op: 'test', path: '/data/a', value: '2' }] }));
    expect(f.code).toBe(422);
    await core.patchNamespacedConfigMap({ name: 'pt', namespace: ns, body: { data: { a: '2' } } }, merge);
    const g = await apiFailure(core.patchNamespacedConfigMap({ name: 'pt', namespace: ns, body: { metadata: { resourceVersion: cm.metadata!.resourceVersion }, data: { a: '3' } } }, merge));
    expect(g.code).toBe(409);
    expect(g.status.reason).toBe('Conflict');
  });

  it('deletes with a Status answer and honours uid/resourceVersion preconditions', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'del' } } });
    const f = await apiFailure(core.deleteNamespacedConfigMap({ name: 'del', namespace: ns, body: { preconditions: { uid: 'wrong-uid' } } }));
    expect(f.code).toBe(409);
    expect(f.status.reason).toBe('Conflict');
    expect(f.status.message).toBe(`Operation cannot be fulfilled on ConfigMap "del": the UID in the precondition (wrong-uid) does not match the UID in record (${cm.metadata!.uid}). The object might have been deleted and then recreated`);
    expect(f.status.details).toEqual({ name: 'del', kind: 'ConfigMap' });
    const g = await apiFailure(core.deleteNamespacedConfigMap({ name: 'del', namespace: ns, body: { preconditions: { resourceVersion: '1' } } }));
    expect(g.status.message).toBe(
      `Operation cannot be fulfilled on ConfigMap "del": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${cm.metadata!.resourceVersion}). The object might have been modified`,
    );
    const st = await core.deleteNamespacedConfigMap({ name: 'del', namespace: ns, body: { preconditions: { uid: cm.metadata!.uid } } });
    expect(st).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'del', kind: 'configmaps', uid: cm.metadata!.uid } });
    expect((await apiFailure(core.readNamespacedConfigMap({ name: 'del', namespace: ns }))).code).toBe(404);
  });

  it('keeps an object with finalizers until they are removed', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ name: 'fin', namespace: ns });
    const held = await core.readNamespacedConfigMap({ name: 'fin', namespace: ns });
    expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const f = await apiFailure(core.patchNamespacedConfigMap({ name: 'fin', namespace: ns, body: { metadata: { finalizers: ['example.com/hold', 'example.com/new'] } } }, merge));
    expect(f.code).toBe(422);
    await core.patchNamespacedConfigMap({ name: 'fin', namespace: ns, body: { metadata: { finalizers: null } } }, merge);
    expect((await apiFailure(core.readNamespacedConfigMap({ name: 'fin', namespace: ns }))).code).toBe(404);
  });

  it('deletes a collection by label selector', async () => {
    for (const n of ['dc1', 'dc2', 'dc3']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: n, labels: { batch: n === 'dc3' ? 'keep' : 'drop' } } } });
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'batch=drop' });
    const left = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'batch' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['dc3']);
  });

  it('does not persist a dry-run create', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: ns, dryRun: 'All', body: { metadata: { name: 'dry' } } });
    expect(cm.metadata?.name).toBe('dry');
    expect((await apiFailure(core.readNamespacedConfigMap({ name: 'dry', namespace: ns }))).code).toBe(404);
  });

  it('refuses creates in a namespace that does not exist', async () => {
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace: 'no-such-ns-zw', body: { metadata: { name: 'x' } } }));
    expect(f.code).toBe(404);
    expect(f.status).toMatchObject({ reason: 'NotFound', message: 'namespaces "no-such-ns-zw" not found' });
  });
});

describe('Secrets', () => {
  it('turns stringData into base64 data and keeps type Opaque', async () => {
    const s = await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { password: 'hunter2' } } });
    expect(s.type).toBe('Opaque');
    expect(s.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });
    expect(s.stringData).toBeUndefined();
  });

  it('refuses changes to an immutable secret', async () => {
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'imm' }, immutable: true, data: { a: 'YQ==' } } });
    const f = await apiFailure(core.patchNamespacedSecret({ name: 'imm', namespace: ns, body: { data: { a: 'Yg==' } } }, merge));
    expect(f.code).toBe(422);
    expect(f.status.details.causes[0]).toMatchObject({ reason: 'FieldValueForbidden', field: 'data' });
  });
});
