import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApi } from './server.ts';
import { fakeOnly, testTarget, type TestTarget } from './target.ts';

let target: TestTarget;
let api: KubeApi;
const skip = fakeOnly('the request log is the test server’s own');

beforeAll(async () => {
  target = await testTarget();
  api = target.api!;
});
afterAll(async () => target?.cleanup());

describe.skipIf(skip)('request log', () => {
  it('counts requests by verb, resource, subresource and selector', async () => {
    const ns = target.namespace;
    const core = target.kc.makeApiClient(k8s.CoreV1Api);
    const since = Date.now();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a', labels: { src: 'x' } } } });
    await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'src=x' });
    await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'src=x' });
    await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=a' });
    await core.readNamespaceStatus({ name: ns });
    expect(api.requests.count({ verb: 'list', resource: 'configmaps', labelSelector: 'src=x', since })).toBe(2);
    expect(api.requests.count({ verb: 'list', resource: 'configmaps', fieldSelector: 'metadata.name=a', since })).toBe(1);
    expect(api.requests.count({ verb: 'get', resource: 'namespaces', subresource: 'status', since })).toBe(1);
    expect(api.requests.countBy(['verb', 'resource', 'subresource', 'labelSelector'], { namespace: ns, since })).toEqual({
      'create configmaps - -': 1,
      'list configmaps - src=x': 2,
      'list configmaps - -': 1,
    });
  });
});
