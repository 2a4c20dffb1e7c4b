/**
 * In-cluster auth by TokenReview, against a real zen-watcher process and the test API server's
 * TokenReview: projected service-account tokens with an audience, the allow list, and what a
 * sender gets when the API server cannot answer (503 with Retry-After, never 200).
 *
 * The tokens are minted by the test API server (a real cluster would need TokenRequests for
 * service accounts it has), so this runs on the test server only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { fakeOnly, isFake } from '../kube-api/target.ts';
import type { KubeApi } from '../kube-api/server.ts';

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
let api: KubeApi;
let n = 0;
const path = () => `/ingest/${cluster.namespace}/in-cluster`;
const account = (name: string, ns = cluster.namespace) => `system:serviceaccount:${ns}:${name}`;
/** A projected token as a Pod with `serviceAccountToken: { audience: zen-watcher }` mounts. */
const projected = (user: string, expirationSeconds = 3600, audiences = ['zen-watcher']) => api.issueToken(user, { audiences, expirationSeconds });

async function post(token: string | undefined, title = `alert ${++n}`): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
  const res = await pod.post(path(), { title, severity: 'high' }, token === undefined ? {} : { authorization: `Bearer ${token}` });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
}
const reviews = () => api.requests.count({ resource: 'tokenreviews', verb: 'create' });

beforeAll(async () => {
  if (!isFake) return;
  cluster = await ZenCluster.start({ replicas: 1 });
  api = cluster.target.api!;
  pod = await cluster.leader();
  await cluster.applyIngester('in-cluster', {
    source: 'webhook',
    webhook: { auth: { type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccounts: [account('falco')], serviceAccountNamespaces: ['batch-jobs'] } },
  });
  await cluster.ingesterReady('in-cluster', 'True', 'Accepted');
  await waitFor('the route', async () => (await post(undefined)).status === 401);
}, 60_000);
afterEach(() => api?.faults.clear());
afterAll(async () => cluster?.stop());

describe.skipIf(fakeOnly('mints service-account tokens through the test API server'))('webhook auth type serviceAccount (real process, TokenReview)', () => {
  it('accepts a projected token of a listed account, and of any account of a listed namespace', async () => {
    const ok = await post(projected(account('falco')), 'falco alert');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ created: 1 });
    expect((await post(projected(account('nightly', 'batch-jobs')))).status).toBe(200);
    await waitFor('the Observation', async () => (await cluster.observations()).some((o) => o.spec.title === 'falco alert'));
  });

  it("refuses another account's token, an expired one, one for the API server's audience, and garbage", async () => {
    expect(await post(projected(account('intruder')))).toMatchObject({ status: 401, body: { reason: 'account_not_allowed' } });
    expect(await post(projected(account('falco'), -60))).toMatchObject({ status: 401, body: { reason: 'bad_token' } });
    // A Pod's default token is for the API server: it must not open a webhook.
    expect(await post(api.issueToken(account('falco')))).toMatchObject({ status: 401, body: { reason: 'bad_token' } });
    expect(await post('eyJhbGciOiJSUzI1NiJ9.Z2FyYmFnZQ.c2ln')).toMatchObject({ status: 401, body: { reason: 'bad_token' } });
    expect(await post(undefined)).toMatchObject({ status: 401, body: { reason: 'missing_credentials' } });
    expect(await pod.metric('zen_watcher_webhook_auth_failures_total', { reason: 'bad_token' })).toBeGreaterThanOrEqual(3);
  });

  it('reviews a token once for a burst of requests (a cache keyed by its hash), not once per request', async () => {
    const token = projected(account('falco'));
    const before = reviews();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(token)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(reviews() - before).toBe(1);
    expect(await pod.metric('zen_watcher_token_reviews_total', { from: 'cache', result: 'authenticated' })).toBeGreaterThanOrEqual(9);
  });

  it('answers 503 with Retry-After when TokenReview fails, and accepts the same token once it works again', async () => {
    const token = projected(account('falco'));
    const fault = api.faults.fail({ match: { resource: 'tokenreviews' }, status: 500 });
    const failed = await post(token);
    expect(failed).toMatchObject({ status: 503, body: { error: 'ServiceUnavailable', reason: 'review_unavailable' } });
    expect(Number(failed.retryAfter)).toBeGreaterThan(0);
    fault.remove();
    // The API server's own Retry-After is passed on.
    api.faults.fail({ match: { resource: 'tokenreviews' }, status: 503, retryAfterSeconds: 7, times: 1 });
    expect(await post(token)).toMatchObject({ status: 503, retryAfter: '7' });
    // A failure is not remembered: the next request is reviewed again, and passes.
    expect((await post(token)).status).toBe(200);
    expect(await pod.metric('zen_watcher_webhook_auth_failures_total', { reason: 'review_unavailable' })).toBe(2);
  });

  it('answers 503, not 200 or a hang, while the API server is down', async () => {
    const token = projected(account('falco'));
    await api.stop();
    try {
      const down = await post(token);
      expect(down.status).toBe(503);
      expect(down.retryAfter).not.toBeNull();
    } finally {
      await api.restart();
    }
    await waitFor('the token to pass once the API server is back', async () => (await post(token)).status === 200);
  });
});
