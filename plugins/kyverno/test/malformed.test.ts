import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import kyverno from '../src/index.js';

const meta = { name: 'polr', namespace: 'shop' };
const report = (results: unknown, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: meta, results, ...extra });

describe('kyverno on malformed objects', () => {
  it.each<[string, unknown, string, number]>([
    ['null object', null, 'not_an_object', 1],
    ['a string', 'PolicyReport', 'not_an_object', 1],
    ['an unknown kind', { kind: 'Policy', metadata: meta, results: [] }, 'unsupported_kind', 1],
    ['no kind and no results', { metadata: meta }, 'unsupported_kind', 1],
    ['results of the wrong type', report('lots'), 'invalid_results', 1],
    ['results that are not objects', report([null, 1, 'fail']), 'invalid_result', 3],
    ['results without a result value', report([{ policy: 'p' }, { policy: 'p', result: 7 }, { policy: 'p', result: 'failed' }]), 'missing_result', 3],
    ['results without a policy', report([{ result: 'fail' }, { result: 'fail', policy: '' }, { result: 'fail', policy: 3 }]), 'missing_policy', 3],
    ['resources of the wrong type', report([{ policy: 'p', result: 'fail', resources: { kind: 'Pod' } }]), 'invalid_resources', 1],
    ['resources without kind or name', report([{ policy: 'p', result: 'fail', resources: [{ name: 'x' }, null] }]), 'invalid_resource', 2],
    ['nothing names a resource', { kind: 'ClusterPolicyReport', metadata: {}, results: [{ policy: 'p', result: 'fail' }] }, 'no_affected_resource', 1],
  ])('skips %s with a counted reason', async (_what, object, reason, count) => {
    const r = await runInformer(kyverno, { events: [{ type: 'add', object: object as KubeObject }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.metrics[`skipped_total{reason="${reason}"}`]).toBe(count);
    expect(r.logs.some((l) => l.level === 'debug' && (l.obj as { reason?: string }).reason === reason)).toBe(true);
  });

  it('treats null results as an empty report', async () => {
    const r = await runInformer(kyverno, { events: [{ type: 'add', object: report(null) }] });
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({});
  });

  it('maps a result whose optional fields have the wrong types, dropping those fields', async () => {
    const r = await runInformer(kyverno, {
      events: [
        {
          type: 'add',
          object: report([{ policy: 'p', result: 'fail', rule: 5, severity: [], category: {}, message: 9, scored: 'yes', timestamp: 'now', properties: 'x', source: null }], {
            scope: 'Pod/web',
          }),
        },
      ],
    });
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ severity: 'medium', category: 'compliance', title: 'Policy p failed', resource: { kind: 'PolicyReport', name: 'polr', namespace: 'shop' } });
    expect(r.events[0].details).toEqual({ policy: 'p', result: 'fail', report: { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', name: 'polr', namespace: 'shop' } });
  });

  it('bounds huge strings and property bags', async () => {
    const huge = 'y'.repeat(1_000_000);
    const properties = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, huge]));
    const r = await runInformer(kyverno, {
      events: [{ type: 'add', object: report([{ policy: huge, rule: huge, result: 'fail', message: huge, properties, resources: [{ kind: 'Pod', name: huge, namespace: huge }] }]) }],
    });
    expect(r.invalid).toEqual([]);
    const [e] = r.events;
    expect(e.title.length).toBeLessThanOrEqual(100);
    expect(e.message!.length).toBeLessThanOrEqual(2000);
    expect(e.dedupKey.length).toBeLessThan(4096);
    expect(JSON.stringify(e.details).length).toBeLessThan(16 * 1024);
  });

  it('handles a report with 50,000 results and a result with 10,000 resources', async () => {
    const many = Array.from({ length: 50_000 }, (_, i) => ({ policy: `p${i}`, result: i % 2 ? 'fail' : 'pass' }));
    const wide = { policy: 'wide', result: 'fail', resources: Array.from({ length: 10_000 }, (_, i) => ({ kind: 'Pod', name: `web-${i}` })) };
    const r = await runInformer(kyverno, { events: [{ type: 'add', object: report([...many, wide]) }] });
    expect(r.events).toHaveLength(1000);
    expect(r.metrics['skipped_total{reason="too_many_resources"}']).toBe(9_900);
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(25_000 + 100 - 1000);
  });
});
