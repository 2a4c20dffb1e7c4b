import { describe, expect, it } from 'vitest';
import Type from 'typebox';
import { definePlugin } from '../plugin.js';
import { runInformer, runWebhook } from './index.js';

const echo = definePlugin({
  name: 'echo',
  kind: 'webhook',
  accepts: ['json', 'ndjson'],
  config: Type.Object({ severity: Type.Union([Type.Literal('high'), Type.Literal('low')], { default: 'low' }) }),
  body: Type.Array(Type.Object({ msg: Type.String({ maxLength: 10 }) })),
  handle(body, ctx) {
    ctx.metrics.counter('seen_total', 'seen').inc({}, body.length);
    return body.map((b) => ({
      severity: ctx.config.severity,
      category: 'operations' as const,
      eventType: 'echo',
      title: b.msg,
      detectedAt: '2026-11-26T06:00:00Z',
      dedupKey: b.msg,
    }));
  },
});

describe('runWebhook', () => {
  it('applies config defaults and returns the events', async () => {
    const r = await runWebhook(echo, { rawBody: '{"msg":"a"}\n{"msg":"b"}' });
    expect(r.status).toBe(200);
    expect(r.events.map((e) => [e.title, e.severity])).toEqual([['a', 'low'], ['b', 'low']]);
    expect(r.metrics.seen_total).toBe(2);
  });

  it('answers 400 with the failing path when the body fails the schema', async () => {
    const r = await runWebhook(echo, { body: [{ msg: 'far too long a message' }] });
    expect(r.status).toBe(400);
    expect(r.issues[0].path).toBe('/0/msg');
  });

  it('throws a config error naming the field', async () => {
    await expect(runWebhook(echo, { config: { severity: 'urgent' }, body: [] })).rejects.toThrow(/\/severity/);
  });

  it('reports events that break the SourceEvent schema as invalid', async () => {
    const bad = definePlugin({ name: 'bad', kind: 'webhook', handle: () => [{ severity: 'huge' } as never] });
    const r = await runWebhook(bad, { body: {} });
    expect(r.events).toHaveLength(0);
    expect(r.invalid[0].issues.map((i) => i.path)).toContain('/severity');
  });

  it('rejects a detectedAt that is not RFC 3339', async () => {
    const bad = definePlugin({
      name: 'bad',
      kind: 'webhook',
      handle: () => [{ severity: 'low', category: 'cost', eventType: 'x', title: 't', dedupKey: 'k', detectedAt: 'yesterday' }],
    });
    const r = await runWebhook(bad, { body: {} });
    expect(r.invalid[0].issues.map((i) => i.path)).toEqual(['/detectedAt']);
  });
});

describe('runInformer', () => {
  it('loses only the events of the input whose hook threw', async () => {
    const p = definePlugin({
      name: 'cm',
      kind: 'informer',
      resources: [{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }],
      onEvent(type, obj) {
        if (obj.metadata?.name === 'boom') throw new Error('boom');
        return [{ severity: 'info', category: 'operations', eventType: type, title: String(obj.metadata?.name), dedupKey: String(obj.metadata?.name) }];
      },
    });
    const r = await runInformer(p, {
      events: [
        { type: 'add', object: { metadata: { name: 'a' } } },
        { type: 'add', object: { metadata: { name: 'boom' } } },
        { type: 'sync', object: { metadata: { name: 'b' } } },
      ],
    });
    expect(r.events.map((e) => e.title)).toEqual(['a', 'b']);
    expect(r.errors).toHaveLength(1);
  });
});
