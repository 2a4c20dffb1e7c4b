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
  onEvent: (type, obj, ctx, old) =>
    reportFindings(type, obj, old, ctx, {
      map: (o) => Object.entries((o.data ?? {}) as Record<string, SourceEvent['severity']>).map(([id, s]) => finding(id, s)),
      max: 2,
      what: 'report',
      limitKey: 'maxFindings',
    }),
});

const report = (data: Record<string, string>) => ({ metadata: { name: 'r', namespace: 'n' }, data });

describe('reportFindings', () => {
  it('reports everything on add and sync, only what is new on update, nothing on delete', async () => {
    const v1 = report({ a: 'low' });
    const v2 = report({ a: 'low', b: 'high' });
    const r = await runInformer(plugin, {
      events: [
        { type: 'add', object: v1 },
        { type: 'update', object: v1, old: v1 },
        { type: 'update', object: v2, old: v1 },
        { type: 'sync', object: v2 },
        { type: 'delete', object: v2 },
      ],
    });
    expect(r.events.map((e) => e.title)).toEqual(['a', 'b', 'a', 'b']);
  });

  it('keeps the most severe past the limit, counts and names the limit', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'add', object: report({ a: 'low', b: 'critical', c: 'high' }) }] });
    expect(r.events.map((e) => e.title).sort()).toEqual(['b', 'c']);
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(1);
    expect(r.logs.some((l) => l.level === 'warn' && /maxFindings \(2\)/.test(l.msg ?? ''))).toBe(true);
  });
});
