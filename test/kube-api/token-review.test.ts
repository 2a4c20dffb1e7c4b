// TokenReview of projected service-account tokens: audiences and expiry, as a real API server
// checks them (and as zen-watcher's serviceAccount webhook auth relies on).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestTarget } from './target.ts';
import { fakeOnly, testTarget } from './target.ts';

let target: TestTarget;
beforeAll(async () => {
  target = await testTarget();
});
afterAll(() => target?.cleanup());

const review = (token: string, audiences?: string[]) => target.kc.makeApiClient(k8s.AuthenticationV1Api).createTokenReview({ body: { spec: { token, audiences } } });

describe.skipIf(fakeOnly('mints tokens through the fake server'))('TokenReview of projected tokens', () => {
  it('authenticates a token for the asked audience and returns the intersection in status.audiences', async () => {
    const token = target.api!.issueToken('system:serviceaccount:zen:falco', { audiences: ['zen-watcher', 'vault'], expirationSeconds: 600 });
    const ok = await review(token, ['zen-watcher', 'other']);
    expect(ok.status).toMatchObject({ authenticated: true, audiences: ['zen-watcher'], user: { username: 'system:serviceaccount:zen:falco' } });
    const wrong = await review(token, ['other']);
    expect(wrong.status?.authenticated).toBeFalsy();
    expect(wrong.status?.error).toMatch(/token audiences \["zen-watcher","vault"\] is invalid for the target audiences \["other"\]/);
  });

  it("checks a token without spec.audiences against the API server's own audience", async () => {
    const plain = target.api!.issueToken('system:serviceaccount:zen:falco');
    expect((await review(plain)).status).toMatchObject({ authenticated: true, audiences: ['https://kubernetes.default.svc.cluster.local'] });
    const projected = target.api!.issueToken('system:serviceaccount:zen:falco', { audiences: ['zen-watcher'] });
    expect((await review(projected)).status?.authenticated).toBeFalsy();
  });

  it('refuses an expired token, in a review and on the API itself', async () => {
    const expired = target.api!.issueToken('system:serviceaccount:zen:falco', { expirationSeconds: -1 });
    expect((await review(expired)).status).toMatchObject({ error: expect.stringMatching(/expired/) });
    const res = await fetch(`${target.api!.url}/api/v1/namespaces`, { headers: { authorization: `Bearer ${expired}` } });
    expect(res.status).toBe(401);
  });

  it('refuses a token for another audience on the API itself, as a real server does', async () => {
    const projected = target.api!.issueToken('system:serviceaccount:zen:falco', { audiences: ['zen-watcher'] });
    expect((await fetch(`${target.api!.url}/api/v1/namespaces`, { headers: { authorization: `Bearer ${projected}` } })).status).toBe(401);
  });
});
