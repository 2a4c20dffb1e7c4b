import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject, SourceEvent } from '@zen-watcher/sdk';
import configmap from '../src/index.js';
import { configMap, fixtureText } from './helpers.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const REAL = 'kube-bench-json-real-kind-cluster-cis-1.6.json';
const summary = (e: SourceEvent) => [e.severity, e.category, e.eventType, e.title, e.resource, e.detectedAt, e.dedupKey];
type Json = Record<string, any>; // parsed fixture JSON, edited freely by the tests

describe('configmap: kube-bench fixtures', () => {
  it('maps the 36 FAIL results of a real CIS 1.6 run on kind, and no PASS or WARN', async () => {
    const r = await runInformer(configmap, { events: [add(configMap(fixtureText(REAL)))] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(36);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(36);
    expect(r.metrics).toEqual({ 'filtered_total{reason="status_pass"}': 37, 'filtered_total{reason="status_warn"}': 49 });
    expect(summary(r.events[0])).toEqual([
      'high',
      'compliance',
      'cis_benchmark_fail',
      'CIS 1.1.1 Ensure that the API server pod specification file permissions are set to 644 or more rest…',
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'kube-bench-results', namespace: 'kube-bench' },
      '2026-11-25T03:00:00.000Z',
      'kube-bench|kube-bench/ConfigMap/kube-bench-results|master|1.1.1|FAIL',
    ]);
    expect(r.events[35].dedupKey).toBe('kube-bench|kube-bench/ConfigMap/kube-bench-results|node|4.2.7|FAIL');
    expect(r.events[0].details).toMatchObject({ testNumber: '1.1.1', status: 'FAIL', scored: true, section: '1.1', nodeType: 'master', benchmarkVersion: '1.6' });
    expect(r.events[0].message).toContain('Remediation: Run the below command');
    for (const e of r.events) {
      expect(e.title.length).toBeLessThanOrEqual(100);
      expect(JSON.stringify(e.details).length).toBeLessThan(8 * 1024);
    }
  });

  it.each([
    ['kube-bench-json-controls-with-totals.json', 'controlplane', 'Client certificate authentication should not be used for users'],
    ['kube-bench-json-bare-array-all-pass.json', 'controlplane', 'Client certificate authentication should not be used for users'],
  ])('%s lists no FAIL (whatever its Totals say); with includeWarn its WARN is reported', async (file, nodeType, desc) => {
    const none = await runInformer(configmap, { events: [add(configMap(fixtureText(file)))] });
    expect(none.events).toEqual([]);
    const warn = await runInformer(configmap, { config: { includeWarn: true }, events: [add(configMap(fixtureText(file)))] });
    expect(warn.events.map(summary)).toEqual([
      [
        'low',
        'compliance',
        'cis_benchmark_warn',
        `CIS 3.1.1 ${desc}`,
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'kube-bench-results', namespace: 'kube-bench' },
        '2026-11-25T03:00:00.000Z',
        `kube-bench|kube-bench/ConfigMap/kube-bench-results|${nodeType}|3.1.1|WARN`,
      ],
    ]);
    expect(warn.events[0].details).toMatchObject({ scored: false, reason: 'Test marked as a manual test' });
  });

  it('puts the finding on the node named by the ConfigMap label, then annotation, then custom keys', async () => {
    const byLabel = await runInformer(configmap, { events: [add(configMap(fixtureText(REAL), { labels: { 'zen.kube-zen.io/node-name': 'kind-control-plane' } }))] });
    expect(byLabel.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'kind-control-plane' });
    expect(byLabel.events[0].dedupKey).toBe('kube-bench|/Node/kind-control-plane|master|1.1.1|FAIL');
    const byAnnotation = await runInformer(configmap, { events: [add(configMap(fixtureText(REAL), { annotations: { 'zen.kube-zen.io/node-name': 'worker-2' } }))] });
    expect(byAnnotation.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'worker-2' });
    const custom = await runInformer(configmap, {
      config: { nodeNameKeys: ['kube-bench/node'] },
      events: [add(configMap(fixtureText(REAL), { labels: { 'kube-bench/node': 'worker-3' } }))],
    });
    expect(custom.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'worker-3' });
  });

  it.each<[Record<string, unknown>, boolean, string, string]>([
    [{}, true, 'FAIL', 'high'],
    [{}, false, 'FAIL', 'medium'],
    [{ includeWarn: true }, true, 'WARN', 'low'],
    [{ kubeBenchSeverity: { scored: 'critical' } }, true, 'FAIL', 'critical'],
    [{ severityOverrides: { '1.1.1': 'info' } }, true, 'FAIL', 'info'],
  ])('with config %j a scored=%s %s result is %s', async (config, scored, status, expected) => {
    const data = [{ id: '1', node_type: 'master', tests: [{ section: '1.1', results: [{ test_number: '1.1.1', test_desc: 'x', status, scored }] }] }];
    const r = await runInformer(configmap, { config, events: [add(configMap(JSON.stringify(data)))] });
    expect(r.events.map((e) => e.severity)).toEqual([expected]);
  });

  it('takes the scan time from the annotation, else the last write, else the creation time', async () => {
    const text = fixtureText(REAL);
    const annotated = configMap(text, { annotations: { 'zen.kube-zen.io/scanned-at': '2026-11-24T22:15:00Z' } });
    const bare = configMap(text);
    delete bare.metadata!.managedFields;
    const r = await runInformer(configmap, { events: [add(annotated), add(bare)] });
    expect(r.events[0].detectedAt).toBe('2026-11-24T22:15:00.000Z');
    expect(r.events[36].detectedAt).toBe('2026-11-01T00:00:00.000Z');
  });
});

describe('configmap: kube-bench dedup and updates', () => {
  const data = (): Json => JSON.parse(fixtureText(REAL));

  it('gives the next run the same keys: new write time, new benchmark version, new audit output', async () => {
    const next = data();
    for (const control of next.Controls) {
      control.version = '1.7';
      for (const test of control.tests) for (const result of test.results) result.actual_value = 'changed';
    }
    const r = await runInformer(configmap, { events: [add(configMap(fixtureText(REAL))), add(configMap(JSON.stringify(next), { writtenAt: '2026-11-26T03:00:00Z' }))] });
    expect(r.events.slice(36).map((e) => e.dedupKey)).toEqual(r.events.slice(0, 36).map((e) => e.dedupKey));
  });

  it.each([
    ['another node', { labels: { 'zen.kube-zen.io/node-name': 'worker-1' } }],
    ['another ConfigMap (no node named)', { name: 'kube-bench-worker-1' }],
    ['another namespace', { namespace: 'security' }],
  ])('are different for %s', async (_what, overrides) => {
    const r = await runInformer(configmap, { events: [add(configMap(fixtureText(REAL))), add(configMap(fixtureText(REAL), overrides))] });
    const first = new Set(r.events.slice(0, 36).map((e) => e.dedupKey));
    expect(r.events.slice(36).some((e) => first.has(e.dedupKey))).toBe(false);
  });

  it('through the host: an update writes only new failures, a sync all, a delete none', async () => {
    const next = data();
    const warn = next.Controls[0].tests[0].results.find((r: Json) => r.status === 'WARN' || r.status === 'PASS');
    warn.status = 'FAIL';
    const old = configMap(fixtureText(REAL));
    const updated = configMap(JSON.stringify(next), { writtenAt: '2026-11-26T03:00:00Z' });
    const r = await runInformer(configmap, {
      events: [
        { type: 'add', object: old },
        { type: 'update', object: updated },
        { type: 'update', object: updated },
        { type: 'sync', object: updated },
        { type: 'delete', object: updated },
      ],
    });
    expect(r.written.map((e) => e.details?.testNumber).slice(36, 37)).toEqual([warn.test_number]);
    expect(r.written).toHaveLength(36 + 1 + 0 + 37 + 0);
  });
});
