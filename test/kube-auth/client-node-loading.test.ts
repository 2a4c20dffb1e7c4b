import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCredentials } from '../../core/src/kube/load-credentials.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { fakeOnly } from '../kube-api/target.ts';

// @kubernetes/client-node costs a pod ~70 MiB just by being imported; the host loads it only
// for kubeconfig users its own loader does not handle (exec, auth-provider). Seen from outside:
// the modules a real replica resolves, recorded by a preloaded hook.
const RECORDER = join(import.meta.dirname, '..', 'harness', 'record-modules.mjs');
const CLIENT_NODE = '/node_modules/@kubernetes/client-node/';

let cluster: ZenCluster;
beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 0, env: { PLUGINS: '', NODE_OPTIONS: `--import ${RECORDER}` } });
  await cluster.applyIngester('falco', { source: 'falco' });
}, 60_000);
afterAll(async () => cluster?.stop());

const recording = (name: string) => ({ ZW_RECORD_MODULES: join(cluster.dir, `${name}.modules`) });
const loaded = (p: ZenWatcherProcess) => {
  const file = p.options.env.ZW_RECORD_MODULES!;
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
};

describe('loading @kubernetes/client-node', () => {
  it('does not happen in a follower on a kubeconfig of tokens or certificates', async () => {
    const a = await cluster.add('zw-0', recording('zw-0'));
    const b = await cluster.add('zw-1', recording('zw-1'));
    await cluster.ingesterReady('falco', 'True', undefined, 30_000);
    const leader = await cluster.leader(30_000);
    const follower = leader === a ? b : a;
    // On a real cluster its kubeconfig may have an exec user, which does need client-node.
    const needsClientNode = Boolean((await loadCredentials({ KUBECONFIG: follower.options.env.KUBECONFIG })).clientNodeReason);
    const modules = loaded(follower);
    expect(modules.some((m) => m.includes('/core/dist/'))).toBe(true);
    expect(modules.some((m) => m.includes(CLIENT_NODE))).toBe(needsClientNode);
  });

  it.skipIf(fakeOnly('mints a token for an exec plugin to print'))('does for an exec user, which then works as before', async () => {
    const api = cluster.target.api!;
    const user = `system:serviceaccount:${cluster.namespace}:zw-exec`;
    const credential = { apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: api.issueToken(user) } };
    const kubeconfig = join(cluster.dir, 'exec.kubeconfig');
    writeFileSync(kubeconfig, stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', `console.log(${JSON.stringify(JSON.stringify(credential))})`], interactiveMode: 'Never' } } }],
      contexts: [{ name: 'exec', context: { cluster: 'test', user: 'exec' } }],
      'current-context': 'exec',
    }));
    const p = await cluster.add('zw-exec', { ...recording('zw-exec'), KUBECONFIG: kubeconfig });
    expect(p.logged('kubeconfig user handled by @kubernetes/client-node')).toMatchObject([{ reason: 'user "exec" has exec' }]);
    expect(loaded(p).some((m) => m.includes(CLIENT_NODE))).toBe(true);
    // Its requests authenticate: it watches the Ingester and serves its webhook.
    const alert = { rule: 'Terminal shell in container', priority: 'Critical', time: '2026-11-26T06:00:00.000000000Z', output: 'A shell was spawned', output_fields: { 'k8s.pod.name': 'web-1', 'k8s.ns.name': 'shop' } };
    await waitFor('the exec-authenticated replica to serve the Ingester', async () => (await p.post(`/ingest/${cluster.namespace}/falco`, alert)).status === 200 || undefined);
  });
});
