import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import { type KubeObject } from '@zen-watcher/sdk';
import { resolveWithDefaults } from '@zen-watcher/sdk/host';
import kyverno from '../src/index.js';
import { copy, loadObject } from './fixture-loader.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
type Result = Record<string, unknown>;
const results = (o: KubeObject) => o.results as Result[];
const podReport = () => copy(loadObject('policyreport-v1alpha2-kyverno-pod-pass-fail.yaml'));
const failOf = (o: KubeObject) => results(o)[1];

describe('kyverno dedup keys', () => {
  it('are the same for a rescan: new report name and uid, new timestamps, reworded message', async () => {
    const rescan = podReport();
    rescan.metadata!.name = 'f0f0f0f0-0000-0000-0000-000000000000';
    rescan.metadata!.uid = '11111111-1111-1111-1111-111111111111';
    failOf(rescan).timestamp = { seconds: 1701900000, nanos: 5 };
    failOf(rescan).message = 'validation error: host namespaces are not allowed';
    // How Kyverno found it is no part of what it found.
    failOf(rescan).properties = { process: 'admission review' };
    const r = await runInformer(kyverno, { events: [add(podReport()), add(rescan)] });
    expect(r.events).toHaveLength(2);
    expect(r.events[0].dedupKey).toBe(r.events[1].dedupKey);
    expect(r.events[1].detectedAt).toBe('2023-12-06T22:00:00.000Z');
  });

  it.each([
    ['another policy', (o: KubeObject) => (failOf(o).policy = 'disallow-privileged-containers')],
    ['another rule', (o: KubeObject) => (failOf(o).rule = 'host-ports')],
    ['another resource', (o: KubeObject) => ((o.scope as Result).name = 'etcd-kind-control-plane')],
    ['another namespace', (o: KubeObject) => ((o.scope as Result).namespace = 'default')],
    ['another result value', (o: KubeObject) => (failOf(o).result = 'warn')],
    ['another source', (o: KubeObject) => (failOf(o).source = 'kyverno-json')],
    ['another identifying property', (o: KubeObject) => (failOf(o).properties = { index: '1.2.3' })],
    ['a subject named by a selector', (o: KubeObject) => (failOf(o).resourceSelector = { matchLabels: { app: 'web' } })],
  ])('differ for %s', async (_what, change) => {
    const other = podReport();
    change(other);
    const r = await runInformer(kyverno, { config: { results: ['fail', 'warn'] }, events: [add(podReport()), add(other)] });
    expect(r.events).toHaveLength(2);
    expect(r.events[0].dedupKey).not.toBe(r.events[1].dedupKey);
  });
});

describe('kyverno informer semantics', () => {
  it('through the host: an update writes only new results, add and sync all, delete none', async () => {
    const old = podReport();
    const next = podReport();
    results(next).push({ ...failOf(next), policy: 'disallow-privileged-containers', rule: 'privileged-containers' });
    failOf(next).timestamp = { seconds: 1701900000, nanos: 0 }; // rewritten on rescan: not new
    const r = await runInformer(kyverno, {
      events: [
        { type: 'add', object: old },
        { type: 'update', object: next },
        { type: 'update', object: copy(next) },
        { type: 'sync', object: next },
        { type: 'delete', object: next },
      ],
    });
    expect(r.written.map((e) => e.details?.policy)).toEqual(['disallow-host-namespaces', 'disallow-privileged-containers', 'disallow-host-namespaces', 'disallow-privileged-containers']);
  });

  it('reports a result that turns from pass to fail as new', async () => {
    const old = podReport();
    const next = podReport();
    results(next)[0].result = 'fail';
    const r = await runInformer(kyverno, { events: [{ type: 'add', object: old }, { type: 'update', object: next }] });
    expect(r.written.map((e) => e.details?.policy)).toEqual(['disallow-host-namespaces', 'disallow-capabilities']);
  });

  it('maps one event per entry of a result’s resources, defaulting their namespace to the report’s', async () => {
    const report: KubeObject = {
      apiVersion: 'wgpolicyk8s.io/v1alpha2',
      kind: 'PolicyReport',
      metadata: { name: 'polr-ns-shop', namespace: 'shop', creationTimestamp: '2026-11-20T09:00:00Z' },
      results: [
        {
          policy: 'require-requests-limits',
          rule: 'validate-resources',
          result: 'fail',
          severity: 'high',
          category: 'Best Practices',
          resources: [
            { apiVersion: 'v1', kind: 'Pod', name: 'web-0' },
            { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop' },
            { kind: 'Pod' },
          ],
        },
      ],
    };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events.map((e) => [e.severity, e.category, e.resource, e.detectedAt])).toEqual([
      ['high', 'compliance', { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' }, '2026-11-20T09:00:00.000Z'],
      ['high', 'compliance', { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'shop' }, '2026-11-20T09:00:00.000Z'],
    ]);
    expect(r.metrics['skipped_total{reason="invalid_resource"}']).toBe(1);
  });

  it('keeps the most severe when a report exceeds maxFindingsPerReport', async () => {
    const report = podReport();
    report.results = Array.from({ length: 50 }, (_, i) => ({ policy: `p${i}`, result: 'fail', severity: i === 42 ? 'critical' : 'low' }));
    const r = await runInformer(kyverno, { config: { maxFindingsPerReport: 5 }, events: [add(report)] });
    expect(r.events).toHaveLength(5);
    expect(r.events[0].details?.policy).toBe('p42');
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(45);
  });
});

describe('kyverno severity and category', () => {
  it.each<[string, unknown, unknown, string]>([
    ['fail', 'critical', undefined, 'critical'],
    ['fail', 'HIGH', undefined, 'high'],
    ['fail', undefined, 'low', 'low'],
    ['fail', 'bogus', 'medium', 'medium'],
    ['fail', undefined, undefined, 'medium'],
    ['error', undefined, undefined, 'medium'],
    ['warn', undefined, undefined, 'low'],
    ['warn', 'high', undefined, 'high'],
    ['pass', 'high', undefined, 'info'],
    ['skip', undefined, undefined, 'info'],
  ])('result %s with severity %j and properties.severity %j is %s', async (result, severity, propSeverity, expected) => {
    const report = podReport();
    report.results = [{ policy: 'p', result, severity, properties: propSeverity ? { severity: propSeverity } : undefined }];
    const r = await runInformer(kyverno, { config: { results: [result] }, events: [add(report)] });
    expect(r.events.map((e) => e.severity)).toEqual([expected]);
  });

  it('honours severityByResult', async () => {
    const report = podReport();
    report.results = [{ policy: 'p', result: 'error' }];
    const r = await runInformer(kyverno, { config: { results: ['error'], severityByResult: { error: 'high' } }, events: [add(report)] });
    expect(r.events.map((e) => [e.severity, e.eventType])).toEqual([['high', 'policy_error']]);
  });

  it.each<[string | undefined, string | undefined, string]>([
    ['Pod Security Standards (Baseline)', 'kyverno', 'security'],
    ['Pod Security Standards (Restricted)', 'kyverno', 'security'],
    ['Supply Chain Security', 'kyverno', 'security'],
    ['Best Practices', 'kyverno', 'compliance'],
    ['Multi-Tenancy', 'kyverno', 'compliance'],
    [undefined, 'kyverno', 'compliance'],
    ['apk-tools', 'Trivy', 'security'],
    [undefined, 'falco-agent', 'security'],
  ])('category %j from source %j is %s', async (category, source, expected) => {
    const report = podReport();
    report.results = [{ policy: 'p', result: 'fail', category, source }];
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events.map((e) => e.category)).toEqual([expected]);
  });
});

describe('kyverno configuration', () => {
  const plurals = (config: unknown) => {
    const resolved = resolveWithDefaults(kyverno.config!, config);
    if (!resolved.ok) throw new Error('config rejected');
    const resources = typeof kyverno.resources === 'function' ? kyverno.resources(resolved.value) : kyverno.resources;
    return resources.map((r) => `${r.group}/${r.version}/${r.plural}${r.namespaced === false ? ' (cluster)' : ''}`);
  };

  it.each([
    [{}, ['wgpolicyk8s.io/v1alpha2/policyreports', 'wgpolicyk8s.io/v1alpha2/clusterpolicyreports (cluster)']],
    [{ apis: ['openreports.io'] }, ['openreports.io/v1alpha1/reports', 'openreports.io/v1alpha1/clusterreports (cluster)']],
    [
      { apis: ['wgpolicyk8s.io', 'openreports.io'], wgpolicyVersion: 'v1beta1' },
      [
        'wgpolicyk8s.io/v1beta1/policyreports',
        'wgpolicyk8s.io/v1beta1/clusterpolicyreports (cluster)',
        'openreports.io/v1alpha1/reports',
        'openreports.io/v1alpha1/clusterreports (cluster)',
      ],
    ],
  ])('watches %j', (config, expected) => {
    expect(plurals(config)).toEqual(expected);
  });

  it.each([
    [{ result: ['fail'] }, /result/],
    [{ results: ['failed'] }, /results/],
    [{ results: [] }, /results/],
    [{ apis: ['kyverno.io'] }, /apis/],
    [{ severityByResult: { fail: 'urgent' } }, /severityByResult/],
    [{ severityByResult: { failed: 'high' } }, /severityByResult/],
  ])('rejects config %j', async (config, path) => {
    await expect(runInformer(kyverno, { config, events: [] })).rejects.toThrow(path);
  });

  it('is a state-like informer plugin named kyverno', () => {
    expect(kyverno).toMatchObject({ name: 'kyverno', kind: 'informer', semantics: 'state', apiVersion: 2 });
  });
});
