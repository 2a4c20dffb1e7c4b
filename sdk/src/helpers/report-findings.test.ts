import { describe, expect, it } from 'vitest';
import { definePlugin } from '../plugin.js';
import type { SourceEvent } from '../source-event.js';
import { runInformer } from '../testing/index.js';
import { reportFindings } from './report-findings.js';

const finding = (id: string, severity: SourceEvent['severity'] = 'medium'): SourceEvent => ({ severity, category: 'security', eventType: 'check', title: id, dedupKey: id });

// A "report" whose data lists finding ids with a severity; the plugin is three lines thanks to the helper.
const plugin = definePlugin({
  name: 'reports',
  kind: 'informer',
  resources: [{ group: 'x.io', version: 'v1', plural: 'reports', kind: 'Report' }],
  onEvent: (type, obj, ctx) =>
    reportFindings(type, obj, ctx, {
      map: (o) => Object.entries((o.data ?? {}) as Record<string, SourceEvent['severity']>).map(([id, s]) => finding(id, s)),
      max: 2,
      what: 'report',
      limitKey: 'maxFindings',
    }),
});

const report = (data: Record<string, string>, resourceVersion = '1') => ({ apiVersion: 'x.io/v1', kind: 'Report', metadata: { name: 'r', namespace: 'n', resourceVersion }, data });

describe('reportFindings', () => {
  it('yields every finding; through the host, an update writes only what is new and a delete resolves the rest', async () => {
    const v1 = report({ a: 'low' });
    const v2 = report({ a: 'low', b: 'high' }, '2');
    const r = await runInformer(plugin, {
      events: [
        { type: 'add', object: v1 },
        { type: 'update', object: v1 },
        { type: 'update', object: v2 },
        { type: 'sync', object: v2 },
        { type: 'delete', object: v2 },
      ],
    });
    expect(r.events.map((e) => e.title)).toEqual(['a', 'a', 'a', 'b', 'a', 'b']);
    expect(r.written.map((e) => e.title)).toEqual(['a', 'b', 'a', 'b']);
    expect(r.resolved.sort()).toEqual(['/a', '/b']);
  });

  it('keeps the most severe past the limit, counts and names the limit', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'add', object: report({ a: 'low', b: 'critical', c: 'high' }) }] });
    expect(r.events.map((e) => e.title).sort()).toEqual(['b', 'c']);
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(1);
    expect(r.logs.some((l) => l.level === 'warn' && /maxFindings \(2\)/.test(l.msg ?? ''))).toBe(true);
  });
});
