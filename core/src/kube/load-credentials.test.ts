import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startConnectProxy, startWhoamiServer, tlsFile, type Whoami, type WhoamiServer } from '../../../test/harness/whoami-server.ts';
import { KubeHttp } from './kube-http.js';
import type { KubeCredentials } from './kube-credentials.js';
import { loadCredentials } from './load-credentials.js';

let api: WhoamiServer;
beforeAll(async () => {
  api = await startWhoamiServer();
});
afterAll(() => api?.close());

const b64 = (file: string) => readFileSync(tlsFile(file)).toString('base64');
const tmp = () => mkdtempSync(join(tmpdir(), 'zw-kubeconfig-'));

interface Kubeconfig {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

/** Writes one kubeconfig file; returns its path. */
function kubeconfig(dir: string, doc: Kubeconfig, name = 'config'): string {
  const path = join(dir, name);
  writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'Config', ...doc }));
  return path;
}

/** One context `c` on the test server, trusted through ca.crt's data, as `user`. */
const single = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}): Kubeconfig => ({
  clusters: [{ name: 'test', cluster: { server: api.url, 'certificate-authority-data': b64('ca.crt'), ...cluster } }],
  users: [{ name: 'u', user }],
  contexts: [{ name: 'c', context: { cluster: 'test', user: 'u' } }],
  'current-context': 'c',
});

const load = (...files: string[]) => loadCredentials({ KUBECONFIG: files.join(delimiter) }, { serviceAccountDir: '/nonexistent', home: '/nonexistent' });
const whoami = (credentials: KubeCredentials) => new KubeHttp(credentials, { qps: 100, burst: 100 }).request<Whoami>({ method: 'GET', path: '/whoami' });
const failure = (p: Promise<unknown>) => p.then(() => 'no error', (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message);

describe('loadCredentials from kubeconfig files', () => {
  it('merges a KUBECONFIG list as kubectl does: the first current-context and the first definition of a name win; paths are relative to their file', async () => {
    const a = tmp();
    const b = tmp();
    copyFileSync(tlsFile('ca.crt'), join(b, 'ca.crt'));
    const first = kubeconfig(a, { users: [{ name: 'dup', user: { token: 'from-first' } }], contexts: [{ name: 'mine', context: { cluster: 'theirs', user: 'dup' } }], 'current-context': 'mine' });
    const second = kubeconfig(b, {
      clusters: [{ name: 'theirs', cluster: { server: api.url, 'certificate-authority': 'ca.crt' } }],
      users: [{ name: 'dup', user: { token: 'from-second' } }],
      contexts: [{ name: 'other', context: { cluster: 'theirs', user: 'dup' } }],
      'current-context': 'other',
    });
    const credentials = await load(first, join(a, 'missing'), second);
    expect(credentials.origin).toBe(`kubeconfig ${first}, context "mine"`);
    expect(credentials.clientNodeReason).toBeUndefined();
    expect(await whoami(credentials)).toEqual({ authorization: 'Bearer from-first' });
  });

  it('uses the current-context among several, and ~/.kube/config when KUBECONFIG is unset', async () => {
    const home = tmp();
    mkdirSync(join(home, '.kube'));
    const doc = single({ token: 'alice' });
    doc.users!.push({ name: 'bob', user: { token: 'bob' } });
    doc.contexts!.push({ name: 'as-bob', context: { cluster: 'test', user: 'bob' } });
    doc['current-context'] = 'as-bob';
    kubeconfig(join(home, '.kube'), doc);
    expect(await whoami(await loadCredentials({}, { serviceAccountDir: '/nonexistent', home }))).toEqual({ authorization: 'Bearer bob' });
  });

  it('presents a client certificate from -data fields or from files, and trusts the CA from either', async () => {
    const dir = tmp();
    const fromData = await load(kubeconfig(dir, single({ 'client-certificate-data': b64('client.crt'), 'client-key-data': b64('client.key') }), 'data'));
    expect(await whoami(fromData)).toEqual({ clientCN: 'zw-test-sender' });
    const fromFiles = await load(kubeconfig(dir, single({ 'client-certificate': tlsFile('client.crt'), 'client-key': tlsFile('client.key') }, { 'certificate-authority-data': undefined, 'certificate-authority': tlsFile('ca.crt') }), 'files'));
    expect(await whoami(fromFiles)).toEqual({ clientCN: 'zw-test-sender' });
  });

  it('verifies the server against the kubeconfig CA and tls-server-name, unless insecure-skip-tls-verify', async () => {
    const dir = tmp();
    expect(await failure(whoami(await load(kubeconfig(dir, single({}, { 'certificate-authority-data': b64('rogue-ca.crt') }), 'rogue'))))).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(await failure(whoami(await load(kubeconfig(dir, single({}, { 'tls-server-name': 'kubernetes.default.svc' }), 'sni'))))).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(await whoami(await load(kubeconfig(dir, single({}, { 'tls-server-name': 'localhost' }), 'sni-ok')))).toEqual({});
    expect(await whoami(await load(kubeconfig(dir, single({ token: 't' }, { 'certificate-authority-data': undefined, 'insecure-skip-tls-verify': true }), 'insecure')))).toEqual({ authorization: 'Bearer t' });
  });

  it('tunnels through an http proxy-url', async () => {
    const proxy = await startConnectProxy();
    try {
      const credentials = await load(kubeconfig(tmp(), single({ token: 't' }, { 'proxy-url': proxy.url })));
      expect(await whoami(credentials)).toEqual({ authorization: 'Bearer t' });
      expect(proxy.tunnels()).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('re-reads a token-file (trimmed), and sends basic auth and Impersonate-User', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'token'), 'first\n');
    const credentials = await load(kubeconfig(dir, single({ 'token-file': 'token' })));
    expect(await whoami(credentials)).toEqual({ authorization: 'Bearer first' });
    writeFileSync(join(dir, 'token'), 'rotated');
    expect((await credentials.auth()).headers.Authorization).toBe('Bearer rotated');
    const basic = await load(kubeconfig(dir, single({ username: 'ann', password: 'pw', as: 'system:serviceaccount:zen:zw' }), 'basic'));
    expect(await whoami(basic)).toEqual({ authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}`, impersonate: 'system:serviceaccount:zen:zw' });
  });

  it('hands a user with exec to @kubernetes/client-node, which runs the plugin as before', async () => {
    const dir = tmp();
    const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'from-exec' } };
    const exec = { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', `console.log(${JSON.stringify(JSON.stringify(credential))})`], interactiveMode: 'Never' };
    const credentials = await load(kubeconfig(dir, single({ exec })));
    expect(credentials.clientNodeReason).toBe('user "u" has exec');
    expect(await whoami(credentials)).toEqual({ authorization: 'Bearer from-exec' });
  });
});

describe('loadCredentials errors', () => {
  const dir = tmp();
  const path = join(dir, 'config');
  it.each<[string, () => Kubeconfig | string, string]>([
    ['no current-context', () => ({ ...single({}), 'current-context': undefined }), `kubeconfig ${path}: no current-context`],
    ['an undefined current-context', () => ({ ...single({}), 'current-context': 'prod' }), `kubeconfig ${path}: current-context "prod" is not defined (contexts: c)`],
    ['an undefined cluster', () => ({ ...single({}), clusters: [] }), `kubeconfig ${path}, context "c": cluster "test" is not defined (clusters: none)`],
    ['an undefined user', () => ({ ...single({}), users: [{ name: 'other', user: {} }] }), `kubeconfig ${path}, context "c": user "u" is not defined (users: other)`],
    ['a cluster without a server', () => ({ ...single({}), clusters: [{ name: 'test', cluster: {} }] }), `kubeconfig ${path}, context "c": cluster "test": has no server`],
    ['plain http without insecure-skip-tls-verify', () => single({}, { server: 'http://127.0.0.1:1' }), `kubeconfig ${path}, context "c": the server http://127.0.0.1:1 is plain http, which needs insecure-skip-tls-verify: true`],
    ['a missing certificate file', () => single({ 'client-certificate': 'nope.crt', 'client-key': 'nope.key' }), `kubeconfig ${path}, context "c": client-certificate ${join(dir, 'nope.crt')}: ENOENT`],
    ['a missing token-file', () => single({ 'token-file': '/nonexistent/token' }), `kubeconfig ${path}, context "c": token-file /nonexistent/token: ENOENT`],
    ['a certificate without its key', () => single({ 'client-certificate-data': 'eA==' }), `kubeconfig ${path}, context "c": user "u": has a client certificate but no key`],
    ['a nameless entry', () => ({ ...single({}), users: [{ user: {} } as never] }), `kubeconfig ${path}: users[0] has no name`],
    ['broken YAML', () => 'clusters: [', `kubeconfig ${path}: not valid YAML`],
  ])('names the file, the context and what is missing: %s', async (_, doc, message) => {
    const content = doc();
    writeFileSync(path, typeof content === 'string' ? content : stringify(content));
    await expect(load(path)).rejects.toMatchObject({ code: 'ZW_ERR_HOST_CONFIG_INVALID', message: expect.stringContaining(message) });
  });

  it('says which files it looked for when none exists', async () => {
    await expect(load('/nonexistent/a', '/nonexistent/b')).rejects.toThrow('kubeconfig not found: /nonexistent/a, /nonexistent/b');
  });
});
