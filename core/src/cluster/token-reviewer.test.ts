import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { KubeApiError, type KubeHttp, type KubeRequest } from '../kube/kube-http.js';
import { KubeTokenReviewer } from './token-reviewer.js';

/** A KubeHttp whose TokenReviews answer from `verdict`; it records the requests. */
function fakeHttp(verdict: (token: string) => unknown | Promise<unknown>) {
  const requests: KubeRequest[] = [];
  const http = {
    async request(req: KubeRequest) {
      requests.push(req);
      const token = (req.body as { spec: { token: string } }).spec.token;
      return { status: await verdict(token) };
    },
  } as unknown as KubeHttp;
  return { http, requests };
}
const authenticated = (username = 'system:serviceaccount:a:b') => ({ authenticated: true, user: { username }, audiences: ['zen-watcher'] });
const jwt = (exp: number) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;

describe('KubeTokenReviewer', () => {
  it('sends a TokenReview with the audiences and maps the verdict', async () => {
    const { http, requests } = fakeHttp((t) => (t === 'good' ? authenticated() : { error: '[invalid bearer token]' }));
    const r = new KubeTokenReviewer(http, new Registry());
    expect(await r.review('good', ['zen-watcher'])).toEqual({ kind: 'authenticated', username: 'system:serviceaccount:a:b', audiences: ['zen-watcher'] });
    expect(await r.review('bad', ['zen-watcher'])).toEqual({ kind: 'rejected', error: '[invalid bearer token]' });
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/apis/authentication.k8s.io/v1/tokenreviews', body: { kind: 'TokenReview', spec: { token: 'good', audiences: ['zen-watcher'] } } });
  });

  it('asks once for repeated and concurrent requests with one token, keyed by a hash (never the token)', async () => {
    const { http, requests } = fakeHttp(async () => authenticated());
    const r = new KubeTokenReviewer(http, new Registry());
    await Promise.all([r.review('t0ken', ['a']), r.review('t0ken', ['a']), r.review('t0ken', ['a'])]);
    await r.review('t0ken', ['a']);
    expect(requests).toHaveLength(1);
    // Another audience is another question.
    await r.review('t0ken', ['b']);
    expect(requests).toHaveLength(2);
    const keys = [...(r as unknown as { cache: Map<string, unknown> }).cache.keys()];
    expect(keys).toHaveLength(2);
    for (const k of keys) expect(k).not.toContain('t0ken');
  });

  it('keeps at most maxEntries verdicts, dropping the least recently used', async () => {
    const { http, requests } = fakeHttp(() => authenticated());
    const r = new KubeTokenReviewer(http, new Registry(), { maxEntries: 2 });
    await r.review('one', []);
    await r.review('two', []);
    await r.review('one', []); // one is now the most recent
    await r.review('three', []); // evicts two
    expect(requests).toHaveLength(3);
    await r.review('one', []);
    expect(requests).toHaveLength(3);
    await r.review('two', []);
    expect(requests).toHaveLength(4);
  });

  it('never remembers a failure, and passes on Retry-After and a hint for a missing grant', async () => {
    let fail: Error | undefined = new KubeApiError(503, 'ServiceUnavailable', 'etcd is down', 7);
    const { http, requests } = fakeHttp(() => {
      if (fail) throw fail;
      return authenticated();
    });
    const r = new KubeTokenReviewer(http, new Registry());
    expect(await r.review('t', [])).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 7 });
    fail = new KubeApiError(403, 'Forbidden', 'tokenreviews.authentication.k8s.io is forbidden');
    expect(await r.review('t', [])).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('webhook.serviceAccountAuth.enabled') });
    fail = new TypeError('fetch failed');
    expect(await r.review('t', [])).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 5 });
    fail = undefined;
    expect(await r.review('t', [])).toMatchObject({ kind: 'authenticated' });
    expect(requests).toHaveLength(4);
  });

  it("trusts an accepted JWT no longer than its own exp, and sheds load beyond maxInFlight", async () => {
    const { http, requests } = fakeHttp(() => authenticated());
    const r = new KubeTokenReviewer(http, new Registry());
    const expiring = jwt(Math.floor(Date.now() / 1000) - 1);
    await r.review(expiring, []);
    await r.review(expiring, []);
    expect(requests).toHaveLength(2);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = new KubeTokenReviewer(fakeHttp(async () => (await gate, authenticated())).http, new Registry(), { maxInFlight: 2 });
    const pending = [slow.review('a', []), slow.review('b', [])];
    expect(await slow.review('c', [])).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 1 });
    release();
    expect((await Promise.all(pending)).map((p) => p.kind)).toEqual(['authenticated', 'authenticated']);
  });
});
