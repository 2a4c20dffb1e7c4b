import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import k8sEvents from '../src/index.js';

const involvedObject = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop', uid: 'u-1' };
const event = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'web-0.1', namespace: 'shop' }, type: 'Warning', reason: 'BackOff', involvedObject, ...fields });

describe('k8s-events on malformed objects', () => {
  it.each<[string, unknown, string]>([
    ['null object', null, 'not_an_object'],
    ['an array', [event({})], 'not_an_object'],
    ['no reason', event({ reason: undefined }), 'missing_reason'],
    ['a reason of the wrong type', event({ reason: 42 }), 'missing_reason'],
    ['an empty reason', event({ reason: '  ' }), 'missing_reason'],
    ['no involved object', event({ involvedObject: undefined }), 'missing_involved_object'],
    ['an involved object of the wrong type', event({ involvedObject: 'Pod/web-0' }), 'missing_involved_object'],
    ['an involved object with a name but no kind', event({ involvedObject: { name: 'web-0', namespace: 'shop' } }), 'missing_involved_object'],
    ['an empty involved object', event({ involvedObject: {} }), 'missing_involved_object'],
    ['events.k8s.io without regarding', { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: {}, type: 'Warning', reason: 'BackOff', note: 'x', involvedObject }, 'missing_involved_object'],
  ])('skips %s with a counted reason', async (_what, object, reason) => {
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: object as KubeObject }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.metrics[`skipped_total{reason="${reason}"}`]).toBe(1);
    expect(r.logs.some((l) => l.level === 'debug' && (l.obj as { reason?: string }).reason === reason)).toBe(true);
  });

  it.each<[string, Record<string, unknown>, number, string | undefined]>([
    ['count of the wrong type', { count: 'many' }, 1, undefined],
    ['a negative count', { count: -5 }, 1, undefined],
    ['a fractional count', { count: 7.9 }, 7, undefined],
    ['an absurd count', { count: 1e300 }, 1, undefined],
    ['series of the wrong type', { series: 'yes', count: 3 }, 3, undefined],
    ['timestamps that are not RFC 3339', { eventTime: 'now', lastTimestamp: 1597337037, firstTimestamp: '2020-08-13 16:43:57', metadata: { creationTimestamp: '2020-08-13T16:43:57Z' } }, 1, '2020-08-13T16:43:57.000Z'],
    ['a timestamp far in the future', { lastTimestamp: '2999-01-01T00:00:00Z', firstTimestamp: '2020-08-13T16:40:00Z' }, 1, '2020-08-13T16:40:00.000Z'],
    ['a message of the wrong type', { message: { text: 'x' } }, 1, undefined],
  ])('maps an event with %s', async (_what, fields, count, detectedAt) => {
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: event(fields) }] });
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].count).toBe(count);
    expect(r.events[0].detectedAt).toBe(detectedAt);
  });

  it('titles an event without a message by its reason', async () => {
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: event({}) }] });
    expect(r.events[0]).toMatchObject({ title: 'BackOff', severity: 'high' });
    expect(r.events[0]).not.toHaveProperty('message');
  });

  it('bounds huge messages, names and keys', async () => {
    const huge = 'w'.repeat(1_000_000);
    const r = await runInformer(k8sEvents, {
      events: [{ type: 'add', object: event({ reason: huge, message: huge, involvedObject: { kind: huge, name: huge, namespace: huge, uid: huge, fieldPath: huge }, related: { kind: 'Pod', name: huge } }) }],
    });
    expect(r.invalid).toEqual([]);
    const [e] = r.events;
    expect(e.title.length).toBeLessThanOrEqual(100);
    expect(e.message!.length).toBeLessThanOrEqual(2000);
    expect(e.eventType.length).toBeLessThanOrEqual(63);
    expect(e.dedupKey.length).toBeLessThan(4096);
    expect(JSON.stringify(e.details).length).toBeLessThan(8 * 1024);
  });

  it('maps 10,000 events quickly', async () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({ type: 'add' as const, object: event({ message: `Back-off restarting failed container app in pod web-${i}`, count: i + 1 }) }));
    const r = await runInformer(k8sEvents, { events });
    expect(r.events).toHaveLength(10_000);
  });
});
