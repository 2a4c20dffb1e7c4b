import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import type { TestTarget } from './target.ts';
import { randomSuffix, testTarget } from './target.ts';
import { waitFor } from './wait-for.ts';

let target: TestTarget;
let core: k8s.CoreV1Api;

beforeAll(async () => {
  target = await testTarget();
  core = target.kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(() => target?.cleanup());

async function gone(name: string): Promise<boolean> {
  try {
    await core.readNamespace({ name });
    return false;
  } catch (err) {
    return (err as { code?: number }).code === 404;
  }
}

describe('Namespace lifecycle', () => {
  it('is Active with the kubernetes finalizer and metadata.name label', async () => {
    const name = `zw-ns-${randomSuffix()}`;
    const ns = await core.createNamespace({ body: { metadata: { name } } });
    expect(ns.status?.phase).toBe('Active');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
    expect(ns.metadata?.labels?.['kubernetes.io/metadata.name']).toBe(name);
    await core.deleteNamespace({ name });
    await waitFor(() => gone(name), { timeoutMs: 60_000 });
  });

  it('stays Terminating and refuses new objects (403) until its content is gone', async () => {
    const name = `zw-ns-${randomSuffix()}`;
    await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    const deleted = await core.deleteNamespace({ name });
    expect(deleted).toBeTruthy();
    const terminating = await core.readNamespace({ name });
    expect(terminating.status?.phase).toBe('Terminating');
    expect(terminating.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    const f = await apiFailure(core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'late' } } }));
    expect(f.code).toBe(403);
    expect(f.status).toMatchObject({
      reason: 'Forbidden',
      message: `configmaps "late" is forbidden: unable to create new content in namespace ${name} because it is being terminated`,
      details: { name: 'late', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: `namespace ${name} is being terminated`, field: 'metadata.namespace' }] },
    });
    // The namespace controller deletes the content; the finalizer keeps this one (and the namespace).
    await waitFor(async () => (await core.readNamespacedConfigMap({ name: 'held', namespace: name })).metadata?.deletionTimestamp, { timeoutMs: 30_000 });
    expect(await gone(name)).toBe(false);
    await core.patchNamespacedConfigMap(
      { name: 'held', namespace: name, body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor(() => gone(name), { timeoutMs: 60_000 });
  });
});
