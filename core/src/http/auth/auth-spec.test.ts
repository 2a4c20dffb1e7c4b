import { describe, expect, it } from 'vitest';
import type { WebhookAuth } from '../../config/source-spec.js';
import { authSpecProblem } from './auth-spec.js';
import { withoutCredentials } from './request-headers.js';

const ref = { name: 's', key: 'k' };

describe('authSpecProblem', () => {
  it.each<[WebhookAuth, RegExp | undefined]>([
    [{ type: 'none' }, undefined],
    [{ type: 'bearer', secretRef: ref }, undefined],
    [{ type: 'bearer' }, /secretRef is missing: name the Secret \(and key\) holding the token/],
    [{ type: 'hmac' }, /holding the HMAC key/],
    [{ type: 'hmac', preset: 'github', secretRef: ref }, undefined],
    [{ type: 'hmac', preset: 'stripe', toleranceSeconds: 60, signatureHeader: 'Stripe-Signature', secretRef: ref }, undefined],
    [{ type: 'hmac', preset: 'stripe', payload: '{body}', secretRef: ref }, /payload cannot be set with preset stripe/],
    [{ type: 'hmac', payload: '{timestamp}', secretRef: ref }, /\{body\} exactly once/],
    [{ type: 'hmac', payload: '{body}{body}', secretRef: ref }, /\{body\} exactly once/],
    [{ type: 'hmac', payload: '{id}.{body}', secretRef: ref }, /has \{id\}/],
    [{ type: 'hmac', preset: 'github', payload: '{timestamp}.{body}', secretRef: ref }, /set timestampHeader/],
    [{ type: 'hmac', preset: 'github', payload: '{timestamp}.{body}', timestampHeader: 'X-Time', secretRef: ref }, undefined],
    [{ type: 'token', secretRef: ref }, /header is required for type token/],
    [{ type: 'token', header: 'X-Gitlab-Token', secretRef: ref }, undefined],
    [{ type: 'bearer', header: 'X-Gitlab-Token', secretRef: ref }, /header does not apply to type bearer/],
    [{ type: 'basic', secretRef: ref, username: 'am' }, undefined],
    [{ type: 'basic' }, /holding the password/],
    [{ type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccounts: ['system:serviceaccount:a:b'] }, undefined],
    [{ type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccountNamespaces: ['a'] }, undefined],
    [{ type: 'serviceAccount', serviceAccounts: ['system:serviceaccount:a:b'] }, /audiences is required/],
    [{ type: 'serviceAccount', audiences: ['zen-watcher'] }, /who may post/],
    [{ type: 'serviceAccount', audiences: ['zen-watcher'], serviceAccounts: ['system:serviceaccount:a:b'], secretRef: ref }, /secretRef does not apply to type serviceAccount/],
  ])('%j', (auth, expected) => {
    const problem = authSpecProblem(auth);
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });
});

describe('withoutCredentials', () => {
  it("removes every scheme's credential headers and the source's own, and keeps the rest", () => {
    const headers = {
      authorization: 'Bearer x',
      'x-hub-signature-256': 'sha256=..',
      'x-hub-signature': 'sha1=..',
      'stripe-signature': 't=1,v1=..',
      'x-slack-signature': 'v0=..',
      'x-gitlab-token': 't',
      'x-zen-signature': 'sha256=..',
      'x-custom-sig': 'abc',
      'x-custom-token': 'abc',
      'x-github-event': 'push',
      'content-type': 'application/json',
    };
    expect(withoutCredentials(headers, { type: 'hmac', signatureHeader: 'X-Custom-Sig' })).toEqual({ 'x-custom-token': 'abc', 'x-github-event': 'push', 'content-type': 'application/json' });
    expect(Object.keys(withoutCredentials(headers, { type: 'token', header: 'X-Custom-Token' }))).toEqual(['x-custom-sig', 'x-github-event', 'content-type']);
  });
});
