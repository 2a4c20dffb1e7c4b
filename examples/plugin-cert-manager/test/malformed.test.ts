import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import certManager from '../src/index.js';
import { NOW, loadCertificate, withStatus } from './fixture-loader.js';

const failing = loadCertificate('certificate-renewal-failing.json');

beforeEach(() => {
  vi.setSystemTime(new Date(NOW));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('cert-manager on malformed objects', () => {
  it.each<[string, unknown, string]>([
    ['null', null, 'not_an_object'],
    ['an array', [failing], 'not_an_object'],
    ['no metadata', { kind: 'Certificate', status: failing.status }, 'missing_name'],
    ['a name of the wrong type', { metadata: { name: 7, namespace: 'shop' } }, 'missing_name'],
    ['no namespace', { metadata: { name: 'web-tls' }, status: failing.status }, 'missing_namespace'],
    ['status is a string', { metadata: { name: 'web-tls', namespace: 'shop' }, status: 'Ready' }, 'invalid_status'],
  ])('skips %s with a counted reason', async (_what, object, reason) => {
    const r = await runInformer(certManager, { events: [{ type: 'add', object: object as KubeObject }] });
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({ [`skipped_total{reason="${reason}"}`]: 1 });
    expect(r.logs).toContainEqual(expect.objectContaining({ level: 'debug', obj: expect.objectContaining({ reason }) }));
  });

  it.each<[string, Record<string, unknown>, string, string[]]>([
    ['a notAfter that is not a time', { notAfter: 'Mon, 30 Nov 2026 06:02:10 UTC' }, 'invalid_not_after', []],
    ['a notAfter of the wrong type', { notAfter: 1796018530 }, 'invalid_not_after', []],
    [
      'conditions that are not a list (the expiry is still read)',
      { conditions: { Ready: 'False' } },
      'invalid_conditions',
      ['payments/api-tls|expiry-critical|2026-11-30T06:02:10Z'],
    ],
  ])('counts %s and reads the rest', async (_what, status, reason, keys) => {
    const notReady = withStatus(failing, { conditions: [{ type: 'Ready', status: 'False', reason: 'MissingData', message: 'x' }], ...status });
    const r = await runInformer(certManager, { events: [{ type: 'add', object: notReady }] });
    expect(r.metrics).toEqual({ [`skipped_total{reason="${reason}"}`]: 1 });
    const expected = keys.length > 0 ? keys : ['payments/api-tls|not-ready|no-notAfter'];
    expect(r.events.map((e) => e.dedupKey)).toEqual(expected);
  });

  it('ignores condition entries it cannot read, and a missing status', async () => {
    const odd = withStatus(failing, { conditions: [null, 'Ready', { type: 'Ready' }, { type: 'Ready', status: 'False', reason: 'MissingData' }] });
    const r = await runInformer(certManager, {
      events: [
        { type: 'add', object: odd },
        { type: 'add', object: { metadata: { name: 'new', namespace: 'shop' }, spec: { secretName: 'new' } } },
        { type: 'add', object: { metadata: { name: 'new', namespace: 'shop' }, status: null } },
      ],
    });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.metrics).toEqual({});
    expect(r.events.map((e) => e.dedupKey)).toEqual(['payments/api-tls|expiry-critical|2026-11-30T06:02:10Z', 'payments/api-tls|not-ready|2026-11-30T06:02:10Z']);
  });

  it('bounds what comes from the object: a huge message and many names stay within the limits', async () => {
    const huge = 'x'.repeat(100_000);
    const big = withStatus(
      { ...failing, spec: { ...(failing.spec as object), dnsNames: Array.from({ length: 500 }, (_, i) => `h${i}.example.com`) } },
      { conditions: [{ type: 'Ready', status: 'False', reason: huge, message: huge }] },
    );
    const r = await runInformer(certManager, { events: [{ type: 'add', object: big }] });
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(2);
    expect(JSON.stringify(r.events).length).toBeLessThan(32 * 1024);
    expect((r.events[0].details as { dnsNames: string[] }).dnsNames).toHaveLength(20);
  });
});

describe('cert-manager config', () => {
  it('refuses an unknown key, naming it', async () => {
    await expect(runInformer(certManager, { config: { warnDay: 10 }, events: [] })).rejects.toThrow(/warnDay/);
  });

  it('refuses criticalDays above warnDays when the instance starts', async () => {
    await expect(runInformer(certManager, { config: { warnDays: 5, criticalDays: 7 }, events: [] })).rejects.toThrow(
      'invalid config: criticalDays (7) must not exceed warnDays (5)',
    );
  });

  it('watches certificates.cert-manager.io/v1 and says it is state', () => {
    expect(certManager.resources).toEqual([{ group: 'cert-manager.io', version: 'v1', plural: 'certificates', kind: 'Certificate' }]);
    expect(certManager.semantics).toBe('state');
    expect(certManager.apiVersion).toBe(2);
  });
});
