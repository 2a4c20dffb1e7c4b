import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhoamiServer, tlsFile, type Whoami, type WhoamiServer } from '../../../test/harness/whoami-server.ts';
import { inClusterCredentials } from './in-cluster.js';
import { KubeHttp } from './kube-http.js';
import { findKubeconfigSource, loadCredentials } from './load-credentials.js';

let api: WhoamiServer;
beforeAll(async () => {
  api = await startWhoamiServer();
});
afterAll(() => api?.close());

/** A service account mount: the token and the CA that signed the test server's certificate. */
function serviceAccount(token: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'zw-sa-'));
  writeFileSync(join(dir, 'token'), token);
  copyFileSync(tlsFile('ca.crt'), join(dir, 'ca.crt'));
  writeFileSync(join(dir, 'namespace'), 'zen');
  return dir;
}

describe('in-cluster credentials', () => {
  it('reach KUBERNETES_SERVICE_HOST/PORT through the mounted CA with the mounted token, re-read as the kubelet rotates it', async () => {
    const dir = serviceAccount('first');
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(api.url).port, KUBECONFIG: '/nonexistent' };
    expect(findKubeconfigSource(env, { serviceAccountDir: dir })).toBe('in-cluster');
    const credentials = await loadCredentials(env, { serviceAccountDir: dir });
    expect(credentials.server).toBe(api.url);
    expect(await new KubeHttp(credentials, { qps: 100, burst: 100 }).request<Whoami>({ method: 'GET', path: '/version' })).toEqual({ authorization: 'Bearer first' });
    writeFileSync(join(dir, 'token'), 'rotated');
    expect((await credentials.auth()).headers.Authorization).toBe('Bearer rotated');
  });

  it('brackets an IPv6 service host', () => {
    expect(inClusterCredentials({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccount('t')).server).toBe('https://[fd00::1]:443');
  });

  it('says which file of the mount is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-sa-'));
    writeFileSync(join(dir, 'token'), 't');
    expect(() => inClusterCredentials({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, dir)).toThrow(`in-cluster service account (${dir}): certificate-authority ${join(dir, 'ca.crt')}: ENOENT`);
  });
});
