import { createServer, type Server } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigAs } from '../../test/harness/api-users.ts';
import { FAST_ELECTION, installCrds } from '../../test/harness/cluster.ts';
import { fakeOnly, randomSuffix, testTarget, type TestTarget } from '../../test/kube-api/index.ts';
import { createClusterHost } from './cluster-host.js';
import { loadConfig } from './config/load-config.js';
import { KubeHttp } from './kube/kube-http.js';
import { sleep } from './kube/retry.js';

// A cluster-mode host whose start fails (its port is taken) must leave nothing behind: no
// Lease held, no watch or timer still talking to the API server. Against the test API server
// (or ZW_TEST_KUBECONFIG's cluster); the request log part needs the test server.

let target: TestTarget;
let admin: KubeHttp;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  target = await testTarget({ namespacePrefix: 'zw-start' });
  await installCrds(target.kc);
  admin = new KubeHttp(target.kc, { qps: 1000, burst: 1000 });
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterEach(() => target.api?.faults.clear());
afterAll(async () => {
  busy?.close();
  await target?.cleanup();
});

/** Starts a cluster host as `pod` on the busy port; resolves with the start's error. */
async function failedStart(pod: string, lease: string): Promise<{ error: Error; failedAt: number }> {
  const { config } = loadConfig({
    ZW_MODE: 'cluster',
    PORT: String(busyPort),
    HOST: '127.0.0.1',
    POD_NAME: pod,
    POD_NAMESPACE: target.namespace,
    WATCH_NAMESPACE: target.namespace,
    LEADER_ELECTION_ID: lease,
    LOG_LEVEL: 'silent',
    ...FAST_ELECTION,
  });
  const host = await createClusterHost(config, pino({ level: process.env.DBG ? 'debug' : 'silent' }), kubeconfigAs(target, pod));
  const error = await host.start().then(
    () => new Error('started on a port that is taken'),
    (err: Error) => err,
  );
  return { error, failedAt: Date.now() };
}

async function holderOf(lease: string): Promise<string> {
  try {
    const l = await admin.request<{ spec?: { holderIdentity?: string } }>({ method: 'GET', path: `/apis/coordination.k8s.io/v1/namespaces/${target.namespace}/leases/${lease}` });
    return l.spec?.holderIdentity ?? '';
  } catch {
    return '';
  }
}

/** Longer than a renewal and a retry of the election, the fastest periodic work there is. */
const QUIET_MS = 4 * Number(FAST_ELECTION.LEADER_ELECTION_RETRY_PERIOD) * 1000 + Number(FAST_ELECTION.LEADER_ELECTION_RENEW_DEADLINE) * 1000;

describe('a cluster host whose start fails', () => {
  it('rejects with the cause, holds no Lease, and the API server hears nothing more from it', async () => {
    const pod = `zw-${randomSuffix()}`;
    const lease = `lease-${randomSuffix()}`;
    const { error, failedAt } = await failedStart(pod, lease);
    expect(error.message).toMatch(/EADDRINUSE|address already in use/);
    await sleep(QUIET_MS);
    expect(await holderOf(lease)).not.toBe(pod);
    if (target.api) expect(target.api.requests.list({ user: pod, since: failedAt }).map((r) => `${r.verb} ${r.resource}`)).toEqual([]);
  });

  it.skipIf(fakeOnly('delays one client'))('also when its first take of the Lease is still in flight as the start fails', async () => {
    const pod = `zw-${randomSuffix()}`;
    const lease = `lease-${randomSuffix()}`;
    // The election's first read of the Lease answers only after the listen has failed (and
    // before its own timeout, the retry period): the Lease is taken as the host rolls back.
    target.api!.faults.latency({ match: { user: pod, resource: 'leases', verb: 'get' }, ms: 300 });
    const { error, failedAt } = await failedStart(pod, lease);
    expect(error.message).toMatch(/EADDRINUSE|address already in use/);
    await sleep(QUIET_MS);
    expect(await holderOf(lease)).not.toBe(pod);
    expect(target.api!.requests.list({ user: pod, since: failedAt }).map((r) => `${r.verb} ${r.resource}`)).toEqual([]);
  });
});
