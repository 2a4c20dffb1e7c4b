import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import configmap from '../src/index.js';
import { configMap } from './helpers.js';

// The watch's label selector: the API server only delivers ConfigMaps carrying it.
const labels = { 'zen.kube-zen.io/scan-results': 'kube-bench' };
const cm = (results: unknown) => configMap(typeof results === 'string' ? results : JSON.stringify(results));
const bench = (results: unknown) => cm([{ id: '1', node_type: 'master', tests: [{ section: '1.1', results }] }]);

describe('configmap on malformed objects', () => {
  it.each<[string, unknown, string, number]>([
    ['null object', null, 'not_an_object', 1],
    ['a number', 42, 'not_an_object', 1],
    ['no name', { kind: 'ConfigMap', metadata: { labels }, data: { 'results.json': '[]' } }, 'missing_name', 1],
    ['null metadata', { kind: 'ConfigMap', metadata: null, data: {} }, 'missing_name', 1],
    ['no data', { kind: 'ConfigMap', metadata: { name: 'x', labels } }, 'missing_key', 1],
    ['another key only', { kind: 'ConfigMap', metadata: { name: 'x', labels }, data: { 'report.txt': 'x' } }, 'missing_key', 1],
    ['a value that is not a string', { kind: 'ConfigMap', metadata: { name: 'x', labels }, data: { 'results.json': 5 } }, 'missing_key', 1],
    ['data that is not JSON', cm('== kube-bench ==\n[FAIL] 1.1.1'), 'invalid_json', 1],
    ['JSON of neither format', cm({ hello: 'world' }), 'unknown_format', 1],
    ['a JSON string', cm('"FAIL"'), 'unknown_format', 1],
    ['Controls of the wrong type', cm({ Controls: {}, tests: [] }), 'invalid_controls', 1],
    ['controls that are not objects', cm({ Controls: [null, 1] }), 'invalid_control', 2],
    ['tests of the wrong type', cm({ Controls: [{ tests: 'all' }] }), 'invalid_control', 1],
    ['results of the wrong type', bench('FAIL'), 'invalid_test', 1],
    ['results that are not objects', bench([null, 'FAIL', 3]), 'invalid_kube_bench_result', 3],
    ['results without a test number', bench([{ status: 'FAIL' }, { test_number: 1.1, status: 'FAIL' }]), 'missing_test_number', 2],
    ['results without a status', bench([{ test_number: '1.1.1' }, { test_number: '1.1.2', status: true }]), 'missing_status', 2],
    ['Checkov results of the wrong type', cm({ results: { failed_checks: 'many' } }), 'invalid_checkov_report', 1],
    ['Checkov checks without an id', cm({ results: { failed_checks: [{ check_name: 'x' }, null] } }), 'missing_check_id', 1],
    ['Checkov checks that are not objects', cm({ results: { failed_checks: [null, 7] } }), 'invalid_check', 2],
  ])('skips %s with a counted reason', async (_what, object, reason, count) => {
    const r = await runInformer(configmap, { events: [{ type: 'add', object: object as KubeObject }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.metrics[`skipped_total{reason="${reason}"}`]).toBe(count);
    expect(r.logs.some((l) => l.level === 'debug' && (l.obj as { reason?: string }).reason === reason)).toBe(true);
  });

  it('reports the format it was told even when the data is of the other one', async () => {
    const r = await runInformer(configmap, { config: { format: 'checkov' }, events: [{ type: 'add', object: bench([{ test_number: '1', status: 'FAIL' }]) }] });
    expect(r.events).toEqual([]);
    expect(r.metrics['skipped_total{reason="invalid_checkov_report"}']).toBe(1);
  });

  it('treats an empty list and null lists as a scan with no findings', async () => {
    const r = await runInformer(configmap, {
      events: [cm([]), cm({ Controls: null }), cm({ results: { failed_checks: null } }), bench(null)].map((object) => ({ type: 'add' as const, object })),
    });
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({});
  });

  it('maps results whose optional fields have the wrong types, dropping those fields', async () => {
    const r = await runInformer(configmap, {
      events: [{ type: 'add', object: bench([{ test_number: '1.2.3', status: 'fail', scored: 'yes', test_desc: 42, remediation: {}, actual_value: [] }]) }],
    });
    expect(r.invalid).toEqual([]);
    expect(r.events.map((e) => [e.severity, e.title, e.dedupKey])).toEqual([
      ['medium', 'CIS 1.2.3 FAIL', 'kube-bench|kube-bench/ConfigMap/kube-bench-results|master|1.2.3|FAIL'],
    ]);
  });

  it('bounds huge strings, and caps a ConfigMap with 20,000 failures', async () => {
    const huge = 'z'.repeat(200_000);
    const results = Array.from({ length: 20_000 }, (_, i) => ({ test_number: `9.${i}`, status: 'FAIL', scored: i % 2 === 0, test_desc: i === 0 ? huge : 'x', remediation: huge.slice(0, 5000), audit: huge.slice(0, 5000) }));
    const r = await runInformer(configmap, { events: [{ type: 'add', object: bench(results) }] });
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1000);
    expect(r.events.every((e) => e.severity === 'high')).toBe(true); // the scored ones first
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(19_000);
    const first = r.events[0];
    expect(first.title.length).toBeLessThanOrEqual(100);
    expect(first.message!.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(first.details).length).toBeLessThan(8 * 1024);
  });
});
