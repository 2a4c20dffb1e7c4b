import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookAuth } from '../../config/source-spec.js';
import { checkAuth, type AuthBackends } from './check-auth.js';
import type { TokenReview } from './service-account-auth.js';
import type { AuthOutcome } from './verdict.js';

const NOW = 1_800_000_000;
const body = Buffer.from('{"action":"created","n":1}');
const hmac = (key: string, text: string | Buffer, algorithm = 'sha256', encoding: 'hex' | 'base64' = 'hex') => createHmac(algorithm, key).update(text).digest(encoding);
const secrets = new Map([
  ['ns/s/key', 'k3y'],
  ['ns/basic/password', 'pw'],
  ['ns/basic/username', 'alertmanager'],
  ['ns/colon/password', 'p:w:d'],
]);
const backends: AuthBackends = { secrets: { read: (ns, name, key) => secrets.get(`${ns}/${name}/${key}`) } };
const ref = { name: 's', key: 'key' };

function check(auth: WebhookAuth, headers: Record<string, string>, raw = body, b = backends): AuthOutcome | Promise<AuthOutcome> {
  return checkAuth(auth, 'ns', headers, raw, b, NOW);
}
const reason = (o: AuthOutcome | Promise<AuthOutcome>) => (o instanceof Promise ? 'async' : (o?.reason ?? 'ok'));

describe('checkAuth: signatures on the raw body', () => {
  const zen = { type: 'hmac', secretRef: ref } as const;
  const github = { type: 'hmac', preset: 'github', secretRef: ref } as const;
  const stripe = { type: 'hmac', preset: 'stripe', secretRef: ref } as const;
  const slack = { type: 'hmac', preset: 'slack', secretRef: ref } as const;
  const stripeHeader = (t: number, ...keys: string[]) => ({ 'stripe-signature': [`t=${t}`, ...keys.map((k) => `v1=${hmac(k, `${t}.${body}`)}`), 'v0=ignored'].join(',') });
  it.each<[string, WebhookAuth, Record<string, string>, string]>([
    ['zen (the default)', zen, { 'x-zen-timestamp': String(NOW), 'x-zen-signature': `sha256=${hmac('k3y', `${NOW}.${body}`)}` }, 'ok'],
    ['zen, uppercase hex', zen, { 'x-zen-timestamp': String(NOW), 'x-zen-signature': `sha256=${hmac('k3y', `${NOW}.${body}`).toUpperCase()}` }, 'ok'],
    ['zen, timestamp 301 s old', zen, { 'x-zen-timestamp': String(NOW - 301), 'x-zen-signature': `sha256=${hmac('k3y', `${NOW - 301}.${body}`)}` }, 'stale_timestamp'],
    ['zen, timestamp 301 s ahead', zen, { 'x-zen-timestamp': String(NOW + 301), 'x-zen-signature': `sha256=${hmac('k3y', `${NOW + 301}.${body}`)}` }, 'stale_timestamp'],
    ['zen, not a number', zen, { 'x-zen-timestamp': 'soon', 'x-zen-signature': 'sha256=00' }, 'stale_timestamp'],
    ['zen, no timestamp', zen, { 'x-zen-signature': `sha256=${hmac('k3y', `${NOW}.${body}`)}` }, 'missing_credentials'],
    ['zen, a signature of another timestamp', zen, { 'x-zen-timestamp': String(NOW), 'x-zen-signature': `sha256=${hmac('k3y', `${NOW - 1}.${body}`)}` }, 'bad_signature'],
    ['github', github, { 'x-hub-signature-256': `sha256=${hmac('k3y', body)}` }, 'ok'],
    ['github, wrong key', github, { 'x-hub-signature-256': `sha256=${hmac('other', body)}` }, 'bad_signature'],
    ['github, the legacy sha1 header only', github, { 'x-hub-signature': `sha1=${hmac('k3y', body, 'sha1')}` }, 'missing_credentials'],
    ['github, no prefix', github, { 'x-hub-signature-256': hmac('k3y', body) }, 'bad_signature'],
    ['github, not hex', github, { 'x-hub-signature-256': 'sha256=zz' }, 'bad_signature'],
    ['stripe', stripe, stripeHeader(NOW, 'k3y'), 'ok'],
    ['stripe, two v1 during a roll', stripe, stripeHeader(NOW - 10, 'old', 'k3y'), 'ok'],
    ['stripe, outside the tolerance', stripe, stripeHeader(NOW - 301, 'k3y'), 'stale_timestamp'],
    ['stripe, no t=', stripe, { 'stripe-signature': `v1=${hmac('k3y', `${NOW}.${body}`)}` }, 'missing_credentials'],
    ['stripe, wrong key', stripe, stripeHeader(NOW, 'other'), 'bad_signature'],
    ['stripe, wider tolerance', { ...stripe, toleranceSeconds: 600 }, stripeHeader(NOW - 500, 'k3y'), 'ok'],
    ['slack', slack, { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': `v0=${hmac('k3y', `v0:${NOW}:${body}`)}` }, 'ok'],
    ['slack, old', slack, { 'x-slack-request-timestamp': String(NOW - 400), 'x-slack-signature': `v0=${hmac('k3y', `v0:${NOW - 400}:${body}`)}` }, 'stale_timestamp'],
    [
      'generic: base64 sha512 in X-Signature over "<ts>:<body>" with X-Time',
      { type: 'hmac', signatureHeader: 'X-Signature', signaturePrefix: '', payload: '{timestamp}:{body}', timestampHeader: 'X-Time', algorithm: 'sha512', encoding: 'base64', secretRef: ref },
      { 'x-time': String(NOW), 'x-signature': hmac('k3y', `${NOW}:${body}`, 'sha512', 'base64') },
      'ok',
    ],
    ['generic: the body alone (Flux generic-hmac)', { type: 'hmac', signatureHeader: 'X-Signature', payload: '{body}', secretRef: ref }, { 'x-signature': `sha256=${hmac('k3y', body)}` }, 'ok'],
  ])('%s → %s', (_name, auth, headers, expected) => {
    expect(reason(check(auth, headers))).toBe(expected);
  });

  it('verifies the bytes received, not a re-serialisation of the JSON', () => {
    const spaced = Buffer.from('{ "action" : "created", "n" : 1 }');
    const headers = { 'x-hub-signature-256': `sha256=${hmac('k3y', spaced)}` };
    expect(reason(check(github, headers, spaced))).toBe('ok');
    expect(reason(check(github, headers, body))).toBe('bad_signature');
  });
});

describe('checkAuth: shared secrets', () => {
  const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
  it.each<[string, WebhookAuth, Record<string, string>, string]>([
    ['bearer', { type: 'bearer', secretRef: ref }, { authorization: 'Bearer k3y' }, 'ok'],
    ['bearer, lower-case scheme', { type: 'bearer', secretRef: ref }, { authorization: 'bearer k3y' }, 'ok'],
    ['bearer, wrong', { type: 'bearer', secretRef: ref }, { authorization: 'Bearer k3' }, 'bad_token'],
    ['bearer, basic sent instead', { type: 'bearer', secretRef: ref }, basic('a', 'k3y'), 'missing_credentials'],
    ['token in X-Gitlab-Token', { type: 'token', header: 'X-Gitlab-Token', secretRef: ref }, { 'x-gitlab-token': 'k3y' }, 'ok'],
    ['token, wrong', { type: 'token', header: 'X-Gitlab-Token', secretRef: ref }, { 'x-gitlab-token': 'k3y!' }, 'bad_token'],
    ['token, in Authorization instead', { type: 'token', header: 'X-Gitlab-Token', secretRef: ref }, { authorization: 'Bearer k3y' }, 'missing_credentials'],
    ['basic, user name from the Secret', { type: 'basic', secretRef: { name: 'basic', key: 'password' } }, basic('alertmanager', 'pw'), 'ok'],
    ['basic, user name in the spec', { type: 'basic', username: 'am', secretRef: { name: 'basic', key: 'password' } }, basic('am', 'pw'), 'ok'],
    ['basic, a password with colons', { type: 'basic', username: 'am', secretRef: { name: 'colon', key: 'password' } }, basic('am', 'p:w:d'), 'ok'],
    ['basic, wrong password', { type: 'basic', secretRef: { name: 'basic', key: 'password' } }, basic('alertmanager', 'pw2'), 'bad_token'],
    ['basic, wrong user', { type: 'basic', secretRef: { name: 'basic', key: 'password' } }, basic('root', 'pw'), 'bad_token'],
    ['basic, no user name anywhere', { type: 'basic', secretRef: ref }, basic('x', 'k3y'), 'secret_unavailable'],
    ['a Secret that is not there', { type: 'bearer', secretRef: { name: 'gone', key: 'token' } }, { authorization: 'Bearer k3y' }, 'secret_unavailable'],
    ['none', { type: 'none' }, {}, 'ok'],
  ])('%s → %s', (_name, auth, headers, expected) => {
    expect(reason(check(auth, headers))).toBe(expected);
  });

  it('answers 401 with a challenge naming the scheme, and never 503', () => {
    expect(check({ type: 'token', header: 'X-Gitlab-Token', secretRef: ref }, {})).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Token header="X-Gitlab-Token"' } });
    expect(check({ type: 'hmac', algorithm: 'sha512', secretRef: ref }, {})).toMatchObject({ status: 401, headers: { 'www-authenticate': 'HMAC-SHA512' } });
  });
});

describe('checkAuth: serviceAccount', () => {
  const auth: WebhookAuth = { type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccounts: ['system:serviceaccount:falco:falco'], serviceAccountNamespaces: ['batch'] };
  const reviewer = (review: TokenReview) => ({ asked: [] as string[][], async review(_t: string, audiences: readonly string[]) { this.asked.push([...audiences]); return review; } });
  const ok = (username: string, audiences = ['zen-watcher']): TokenReview => ({ kind: 'authenticated', username, audiences });
  const bearer = { authorization: 'Bearer eyJ.token.sig' };

  it.each<[string, TokenReview, string]>([
    ['a listed account', ok('system:serviceaccount:falco:falco'), 'ok'],
    ['any account of a listed namespace', ok('system:serviceaccount:batch:nightly'), 'ok'],
    ['another account', ok('system:serviceaccount:falco:other'), 'account_not_allowed'],
    ['a user that is no service account', ok('kubernetes-admin'), 'account_not_allowed'],
    ['an audience TokenReview did not confirm', ok('system:serviceaccount:falco:falco', []), 'bad_token'],
    ['a token TokenReview refused', { kind: 'rejected', error: 'token has expired' }, 'bad_token'],
    ['an API server that cannot answer', { kind: 'unavailable', message: 'connect ECONNREFUSED', retryAfterSeconds: 7 }, 'review_unavailable'],
  ])('%s → %s', async (_name, review, expected) => {
    const r = reviewer(review);
    const outcome = await checkAuth(auth, 'ns', bearer, body, { ...backends, tokenReviewer: r });
    expect(outcome?.reason ?? 'ok').toBe(expected);
    expect(r.asked).toEqual([['zen-watcher']]);
  });

  it('answers 503 with Retry-After when TokenReview fails, and asks nothing without a bearer token', async () => {
    expect(await checkAuth(auth, 'ns', bearer, body, { ...backends, tokenReviewer: reviewer({ kind: 'unavailable', message: 'x', retryAfterSeconds: 7 }) })).toMatchObject({ status: 503, headers: { 'retry-after': '7' } });
    expect(await checkAuth(auth, 'ns', bearer, body, backends)).toMatchObject({ status: 503, reason: 'review_unavailable' });
    const r = reviewer(ok('system:serviceaccount:falco:falco'));
    expect(await checkAuth(auth, 'ns', {}, body, { ...backends, tokenReviewer: r })).toMatchObject({ status: 401, reason: 'missing_credentials' });
    expect(await checkAuth(auth, 'ns', { authorization: `Bearer ${'x'.repeat(20_000)}` }, body, { ...backends, tokenReviewer: r })).toMatchObject({ reason: 'bad_token' });
    expect(r.asked).toEqual([]);
  });
});
