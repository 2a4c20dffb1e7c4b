import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import certManager from '../src/index.js';
import { NOW, loadCertificate, withConditions } from './fixture-loader.js';

const issuing = loadCertificate('certificate-first-issuance.json');
const ready = loadCertificate('certificate-ready-ingress-shim.json');

beforeEach(() => {
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

const condition = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-11-26T09:30:00Z',
  observedGeneration: 1,
});

describe('cert-manager: not Ready', () => {
  it('maps Ready=False to high, with the reason in the title and the message in the description', async () => {
    const r = await runInformer(certManager, { events: [{ type: 'add', object: issuing }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([
      {
        severity: 'high',
        category: 'operations',
        eventType: 'certificate_not_ready',
        title: 'Certificate checkout-tls is not ready: DoesNotExist',
        message:
          'Certificate shop/checkout-tls (secret checkout-tls; checkout.shop.example.com; issuer ClusterIssuer/letsencrypt-prod) is not ready: ' +
          'Issuing certificate as Secret does not exist; Issuing=True (DoesNotExist): Issuing certificate as Secret does not exist.',
        resource: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'checkout-tls', namespace: 'shop', uid: 'f2b8e061-7c3d-4e9a-a5f1-6b0d2c8e4a73' },
        detectedAt: '2026-11-26T11:58:41Z',
        details: {
          finding: 'not-ready',
          certificate: 'shop/checkout-tls',
          secretName: 'checkout-tls',
          dnsNames: ['checkout.shop.example.com'],
          issuer: 'ClusterIssuer/letsencrypt-prod',
          ready: { status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', lastTransitionTime: '2026-11-26T11:58:41Z' },
          issuing: { status: 'True', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', lastTransitionTime: '2026-11-26T11:58:41Z' },
        },
        // No certificate has been issued yet: the key says so, and the first one issued
        // (a notAfter) makes a later failure a new finding.
        dedupKey: 'shop/checkout-tls|not-ready|no-notAfter',
      },
    ]);
  });

  it.each([
    ['Ready=False, issuance in progress', [condition('Ready', 'False', 'DoesNotExist', 'x'), condition('Issuing', 'True', 'DoesNotExist', 'x')], {}, ['DoesNotExist']],
    ['the same, reportWhileIssuing: false', [condition('Ready', 'False', 'DoesNotExist', 'x'), condition('Issuing', 'True', 'DoesNotExist', 'x')], { reportWhileIssuing: false }, []],
    ['issuance failed, reportWhileIssuing: false', [condition('Ready', 'False', 'DoesNotExist', 'x'), condition('Issuing', 'False', 'Failed', 'x')], { reportWhileIssuing: false }, ['DoesNotExist']],
    ['a Secret issued by another Issuer', [condition('Ready', 'False', 'IncorrectIssuer', 'Issuing certificate as Secret was previously issued by "Issuer.cert-manager.io/old-ca"')], {}, ['IncorrectIssuer']],
    ['reportNotReady: false', [condition('Ready', 'False', 'MissingData', 'x')], { reportNotReady: false }, []],
    ['Ready=True', [condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')], {}, []],
    ['Ready=Unknown', [condition('Ready', 'Unknown', 'Pending', 'x')], {}, []],
    ['no Ready condition yet', [], {}, []],
    ['a condition without a reason', [{ type: 'Ready', status: 'False' }], {}, ['unknown reason']],
  ])('%s', async (_what, conditions, config, reasons) => {
    const r = await runInformer(certManager, { config, events: [{ type: 'add', object: withConditions(issuing, ...conditions) }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events.map((e) => e.title.replace('Certificate checkout-tls is not ready: ', ''))).toEqual(reasons);
  });

  it('reports a valid certificate that is not Ready next to nothing about its expiry', async () => {
    const mismatch = withConditions(ready, condition('Ready', 'False', 'SecretMismatch', 'Existing private key is not up to date for spec: [spec.privateKey.algorithm]'));
    const r = await runInformer(certManager, { events: [{ type: 'sync', object: mismatch }] });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      title: 'Certificate web-tls is not ready: SecretMismatch',
      detectedAt: '2026-11-26T09:30:00Z',
      details: { notAfter: '2027-01-26T09:14:03Z', daysLeft: 60 },
      dedupKey: 'shop/web-tls|not-ready|2027-01-26T09:14:03Z',
    });
    expect(r.events[0].message).toContain('Existing private key is not up to date for spec');
  });

  it('keeps a condition time from the future out of detectedAt', async () => {
    const future = withConditions(issuing, { ...condition('Ready', 'False', 'DoesNotExist', 'x'), lastTransitionTime: '2027-06-01T00:00:00Z' });
    const r = await runInformer(certManager, { events: [{ type: 'add', object: future }] });
    expect(r.events[0].detectedAt).toBeUndefined();
  });
});
