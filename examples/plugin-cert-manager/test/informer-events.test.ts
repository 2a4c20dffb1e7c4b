import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInformer, type InformerInput } from '@zen-watcher/sdk/testing';
import certManager from '../src/index.js';
import { NOW, loadCertificate, withStatus } from './fixture-loader.js';

const ready = loadCertificate('certificate-ready-ingress-shim.json');
const failing = loadCertificate('certificate-renewal-failing.json');
const expired = loadCertificate('certificate-expired-issuer-stuck.json');
const issuing = loadCertificate('certificate-first-issuance.json');

beforeEach(() => {
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

const keys = async (events: InformerInput[]) => {
  const r = await runInformer(certManager, { events });
  expect(r.errors).toEqual([]);
  expect(r.invalid).toEqual([]);
  return r.events.map((e) => e.dedupKey);
};

/**
 * What an update writes through the host: `old` is delivered first (at `oldAt`, when the host
 * would have seen it; default now), then `object`; the host remembers the findings `old`
 * yielded and writes only the ones it did not.
 */
async function updateKeys(old: InformerInput['object'], object: InformerInput['object'], oldAt?: string): Promise<string[]> {
  const now = Date.now();
  const timed: typeof certManager = {
    ...certManager,
    onEvent: (type, obj, ctx) => {
      vi.setSystemTime(type === 'add' && oldAt ? new Date(oldAt) : new Date(now));
      return certManager.onEvent(type, obj, ctx);
    },
  };
  const seen = (await runInformer(timed, { events: [{ type: 'add', object: old }] })).written.length;
  const r = await runInformer(timed, { events: [{ type: 'add', object: old }, { type: 'update', object }] });
  expect(r.errors).toEqual([]);
  expect(r.invalid).toEqual([]);
  return r.written.slice(seen).map((e) => e.dedupKey);
}

describe('cert-manager: informer callbacks', () => {
  it('sync and add return every finding a Certificate holds; delete returns none', async () => {
    const all = [ready, failing, expired, issuing];
    const expected = [
      'payments/api-tls|expiry-critical|2026-11-30T06:02:10Z',
      'monitoring/grafana-tls|expired|2026-11-20T08:14:03Z',
      'shop/checkout-tls|not-ready|no-notAfter',
    ];
    expect(await keys(all.map((object) => ({ type: 'sync', object })))).toEqual(expected);
    expect(await keys(all.map((object) => ({ type: 'add', object })))).toEqual(expected);
    expect(await keys(all.map((object) => ({ type: 'delete', object })))).toEqual([]);
  });

  it.each<[string, () => { object: InformerInput['object']; old: InformerInput['object'] }, string[]]>([
    ['nothing changed', () => ({ object: failing, old: structuredClone(failing) }), []],
    [
      'another failed attempt (status rewritten, same expiry)',
      () => ({
        object: withStatus(failing, { failedIssuanceAttempts: 5, lastFailureTime: '2026-11-26T10:40:12Z' }),
        old: failing,
      }),
      [],
    ],
    [
      'renewed: a new notAfter, outside the window',
      () => ({
        object: withStatus(failing, { notBefore: '2026-11-26T11:00:00Z', notAfter: '2027-02-24T10:59:59Z', renewalTime: '2027-01-25T10:59:59Z' }),
        old: failing,
      }),
      [],
    ],
    [
      'the first certificate issued: Ready, with a notAfter',
      () => ({
        object: withStatus(issuing, {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: '2026-11-26T11:59:30Z' }],
          notBefore: '2026-11-26T10:59:28Z',
          notAfter: '2027-02-24T10:59:27Z',
          renewalTime: '2027-01-25T10:59:27Z',
        }),
        old: issuing,
      }),
      [],
    ],
    [
      'Ready turns False',
      () => ({
        object: withStatus(failing, {
          conditions: [{ type: 'Ready', status: 'False', reason: 'InvalidKeyPair', message: 'Issuing certificate as Secret contains a private key that does not match the certificate', lastTransitionTime: '2026-11-26T11:00:00Z' }],
        }),
        old: failing,
      }),
      ['payments/api-tls|not-ready|2026-11-30T06:02:10Z'],
    ],
    [
      'still not Ready, for another reason: the same finding',
      () => ({ object: withStatus(issuing, { conditions: [{ type: 'Ready', status: 'False', reason: 'MissingData', message: 'x' }] }), old: issuing }),
      [],
    ],
  ])('update, %s', async (_what, input, expected) => {
    const { old, object } = input();
    expect(await updateKeys(old, object)).toEqual(expected);
  });

  it('update: an expiry threshold crossed since the previous version was seen is new, though notAfter is not', async () => {
    // cert-manager flips Ready to False (Expired) at notAfter. The host judged the previous
    // version when it saw it (Ready since 2025-11-20T08:15Z, Issuing since 2026-10-21): not
    // expired then, so the expiry is new now.
    const before = withStatus(expired, {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: '2025-11-20T08:15:10Z' },
        { type: 'Issuing', status: 'True', reason: 'Renewing', message: 'Renewing certificate as renewal was scheduled at 2026-10-21 08:14:03 +0000 UTC', lastTransitionTime: '2026-10-21T08:14:05Z' },
      ],
    });
    vi.setSystemTime(new Date('2026-11-20T08:14:04Z'));
    expect(await updateKeys(before, expired, '2026-10-21T08:14:05Z')).toEqual(['monitoring/grafana-tls|expired|2026-11-20T08:14:03Z']);
  });

  it('update: a second failed attempt after the 7-day mark raises the warning to high', async () => {
    // Old: last failure 2026-11-21 (9 days left: medium). New: another failure today (high).
    const old = withStatus(failing, { lastFailureTime: '2026-11-21T02:00:00Z', failedIssuanceAttempts: 3, conditions: (failing.status as { conditions: unknown[] }).conditions.slice(0, 1) });
    expect(await updateKeys(old, failing, '2026-11-21T02:00:00Z')).toEqual(['payments/api-tls|expiry-critical|2026-11-30T06:02:10Z']);
  });

  it('update without the previous version returns every finding, as add does', async () => {
    expect(await keys([{ type: 'update', object: failing }])).toEqual(['payments/api-tls|expiry-critical|2026-11-30T06:02:10Z']);
  });
});
