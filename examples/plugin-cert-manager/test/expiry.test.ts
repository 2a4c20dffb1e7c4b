import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import certManager from '../src/index.js';
import { NOW, loadCertificate, withStatus } from './fixture-loader.js';

const ready = loadCertificate('certificate-ready-ingress-shim.json'); // notAfter 2027-01-26T09:14:03Z, renewal due 2026-12-27T09:14:03Z
const failing = loadCertificate('certificate-renewal-failing.json'); // notAfter 2026-11-30T06:02:10Z
const expired = loadCertificate('certificate-expired-issuer-stuck.json'); // notAfter 2026-11-20T08:14:03Z

afterEach(() => {
  vi.useRealTimers();
});

describe('cert-manager: expiry', () => {
  it.each([
    ['60 days before expiry', '2026-11-27T09:14:03Z', undefined],
    ['renewal due, 30 days and a second left', '2026-12-27T09:14:02Z', undefined],
    ['renewal overdue, 30 days left', '2026-12-27T09:14:03Z', { severity: 'medium', eventType: 'certificate_expiring', finding: 'expiry-warning' }],
    ['8 days left', '2027-01-18T09:14:03Z', { severity: 'medium', eventType: 'certificate_expiring', finding: 'expiry-warning' }],
    ['7 days left', '2027-01-19T09:14:03Z', { severity: 'high', eventType: 'certificate_expiring', finding: 'expiry-critical' }],
    ['one second left', '2027-01-26T09:14:02Z', { severity: 'high', eventType: 'certificate_expiring', finding: 'expiry-critical' }],
    ['at notAfter', '2027-01-26T09:14:03Z', { severity: 'critical', eventType: 'certificate_expired', finding: 'expired' }],
    ['a year later', '2028-01-26T09:14:03Z', { severity: 'critical', eventType: 'certificate_expired', finding: 'expired' }],
  ])('%s (%s): %j', async (_when, now, expected) => {
    vi.setSystemTime(new Date(now));
    const r = await runInformer(certManager, { events: [{ type: 'sync', object: ready }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    if (!expected) return expect(r.events).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: expected.severity,
      eventType: expected.eventType,
      category: 'operations',
      resource: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'web-tls', namespace: 'shop', uid: 'c3f4a2d1-8e6b-4f0a-9b2c-7d5e1a9f3b08' },
      details: { finding: expected.finding, notAfter: '2027-01-26T09:14:03Z', secretName: 'web-tls', issuer: 'ClusterIssuer/letsencrypt-prod' },
      dedupKey: `shop/web-tls|${expected.finding}|2027-01-26T09:14:03Z`,
    });
  });

  it('maps the failing renewal to high, with what cert-manager said about the last attempt', async () => {
    vi.setSystemTime(new Date(NOW));
    const r = await runInformer(certManager, { events: [{ type: 'add', object: failing }] });
    expect(r.events).toEqual([
      {
        severity: 'high',
        category: 'operations',
        eventType: 'certificate_expiring',
        title: 'Certificate api-tls expires within 7 days (2026-11-30T06:02:10Z)',
        message: expect.stringMatching(
          /^Certificate payments\/api-tls \(secret api-tls; api\.payments\.example\.com; issuer ClusterIssuer\/letsencrypt-prod\) expires within 7 days \(2026-11-30T06:02:10Z\): 3 days left at 2026-11-26T12:00:00Z; renewal was due 2026-10-31T06:02:10Z; Issuing=False \(Failed\): The certificate request has failed/,
        ),
        resource: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'api-tls', namespace: 'payments', uid: '0e9d3b7a-51c2-4a8f-b6d4-2f1e8c7a9d35' },
        // It entered the 7-day window then: the event's own time, the same on every pod.
        detectedAt: '2026-11-23T06:02:10Z',
        details: {
          finding: 'expiry-critical',
          certificate: 'payments/api-tls',
          secretName: 'api-tls',
          commonName: 'api.payments.example.com',
          dnsNames: ['api.payments.example.com'],
          issuer: 'ClusterIssuer/letsencrypt-prod',
          notBefore: '2026-09-01T06:02:11Z',
          notAfter: '2026-11-30T06:02:10Z',
          renewalTime: '2026-10-31T06:02:10Z',
          daysLeft: 3,
          ready: { status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: '2026-09-01T07:02:40Z' },
          issuing: expect.objectContaining({ status: 'False', reason: 'Failed' }),
          failedIssuanceAttempts: 4,
          lastFailureTime: '2026-11-25T18:40:12Z',
        },
        dedupKey: 'payments/api-tls|expiry-critical|2026-11-30T06:02:10Z',
      },
    ]);
  });

  it('reports an expired certificate once, as critical, and not again as "not ready: Expired"', async () => {
    vi.setSystemTime(new Date(NOW));
    const r = await runInformer(certManager, { events: [{ type: 'sync', object: expired }] });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'critical',
      eventType: 'certificate_expired',
      title: 'Certificate grafana-tls expired on 2026-11-20T08:14:03Z',
      detectedAt: '2026-11-20T08:14:03Z',
      details: { daysLeft: -6, issuer: 'Issuer/internal-ca', ready: { status: 'False', reason: 'Expired' }, issuing: { status: 'True', reason: 'Renewing' } },
      dedupKey: 'monitoring/grafana-tls|expired|2026-11-20T08:14:03Z',
    });
    expect(r.events[0].message).toContain('expired 6 days ago');
  });

  describe('thresholds from config', () => {
    beforeEach(() => {
      vi.setSystemTime(new Date(NOW));
    });

    it.each([
      [{}, 'high'],
      [{ criticalDays: 3 }, 'medium'],
      [{ warnDays: 3, criticalDays: 0 }, undefined],
      [{ warnDays: 4, criticalDays: 0 }, 'medium'],
      [{ warnDays: 60, criticalDays: 30 }, 'high'],
    ])('%j: a certificate with 3.75 days left is %s', async (config, severity) => {
      const r = await runInformer(certManager, { config, events: [{ type: 'add', object: failing }] });
      expect(r.events.map((e) => e.severity)).toEqual(severity ? [severity] : []);
    });

    it('waitForRenewalTime: a short-lived certificate is not reported before its renewal is due', async () => {
      // A 24-hour certificate, 6 hours old, renewal scheduled at 16 hours: always "within 7 days".
      const shortLived = withStatus(failing, {
        notBefore: '2026-11-26T06:00:00Z',
        notAfter: '2026-11-27T06:00:00Z',
        renewalTime: '2026-11-26T22:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: '2026-11-26T06:00:02Z' }],
      });
      const waiting = await runInformer(certManager, { events: [{ type: 'add', object: shortLived }] });
      expect(waiting.events).toEqual([]);
      const eager = await runInformer(certManager, { config: { waitForRenewalTime: false }, events: [{ type: 'add', object: shortLived }] });
      expect(eager.events.map((e) => [e.severity, e.detectedAt])).toEqual([['high', '2026-11-26T06:00:00Z']]);
    });

    it('a renewed certificate is a new finding; the same expiry seen again is the same one', async () => {
      const renewedButSoon = withStatus(failing, { notAfter: '2026-12-01T06:02:10Z' });
      const r = await runInformer(certManager, {
        events: [
          { type: 'sync', object: failing },
          { type: 'sync', object: structuredClone(failing) },
          { type: 'sync', object: renewedButSoon },
        ],
      });
      expect(r.events.map((e) => e.dedupKey)).toEqual([
        'payments/api-tls|expiry-critical|2026-11-30T06:02:10Z',
        'payments/api-tls|expiry-critical|2026-11-30T06:02:10Z',
        'payments/api-tls|expiry-critical|2026-12-01T06:02:10Z',
      ]);
    });

    it('reads notAfter in any RFC 3339 form as the same instant (and the same key)', async () => {
      const offset = withStatus(failing, { notAfter: '2026-11-30T07:02:10+01:00' });
      const r = await runInformer(certManager, { events: [{ type: 'add', object: offset }] });
      expect(r.events[0].dedupKey).toBe('payments/api-tls|expiry-critical|2026-11-30T06:02:10Z');
    });

    it('a healthy certificate has nothing to report', async () => {
      const r = await runInformer(certManager, { events: [{ type: 'add', object: ready }] });
      expect(r.events).toEqual([]);
      expect(r.metrics).toEqual({});
    });
  });
});
