import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import type { TestTarget } from './target.ts';
import { testTarget } from './target.ts';

let target: TestTarget;
let core: k8s.CoreV1Api;
let events: k8s.EventsV1Api;
let ns: string;

beforeAll(async () => {
  target = await testTarget();
  core = target.kc.makeApiClient(k8s.CoreV1Api);
  events = target.kc.makeApiClient(k8s.EventsV1Api);
  ns = target.namespace;
});
afterAll(() => target?.cleanup());

describe('Events', () => {
  it('serves a core v1 Event through events.k8s.io/v1 too (one resource)', async () => {
    const ev = await core.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: 'pod-a.1' },
        involvedObject: { kind: 'Pod', name: 'pod-a', namespace: ns },
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        type: 'Warning',
        count: 3,
        source: { component: 'kubelet' },
        firstTimestamp: new Date('2026-11-26T06:00:00.500Z'),
        lastTimestamp: new Date('2026-11-26T06:10:00Z'),
      },
    });
    expect(ev.lastTimestamp?.toISOString()).toBe('2026-11-26T06:10:00.000Z');
    const v1 = await events.readNamespacedEvent({ name: 'pod-a.1', namespace: ns });
    expect(v1.regarding?.name).toBe('pod-a');
    expect(v1.note).toBe('Back-off restarting failed container');
    expect(v1.deprecatedCount).toBe(3);
    expect(v1.metadata?.resourceVersion).toBe(ev.metadata?.resourceVersion);
  });

  it('selects core events by type and involvedObject fields', async () => {
    await core.createNamespacedEvent({
      namespace: ns,
      body: { metadata: { name: 'pod-b.1' }, involvedObject: { kind: 'Pod', name: 'pod-b', namespace: ns }, reason: 'Pulled', type: 'Normal' },
    });
    const warnings = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'type=Warning' });
    expect(warnings.items.map((e) => e.metadata?.name)).toEqual(['pod-a.1']);
    const forB = await core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=pod-b,involvedObject.kind=Pod' });
    expect(forB.items.map((e) => e.metadata?.name)).toEqual(['pod-b.1']);
  });

  it('requires the new fields on events.k8s.io/v1 creates', async () => {
    const f = await apiFailure(
      events.createNamespacedEvent({ namespace: ns, body: { metadata: { name: 'new-1' }, eventTime: new k8s.V1MicroTime(), regarding: { kind: 'Pod', name: 'x', namespace: ns } } }),
    );
    expect(f.code).toBe(422);
    const fields = f.status.details.causes.map((c: { field: string }) => c.field);
    expect(fields).toEqual(expect.arrayContaining(['reportingController', 'reportingInstance', 'action', 'reason']));
    const ok = await events.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: 'new-2' },
        eventTime: new k8s.V1MicroTime(),
        regarding: { kind: 'Pod', name: 'x', namespace: ns },
        reportingController: 'zen-watcher.kube-zen.io/test',
        reportingInstance: 'test-1',
        action: 'Observe',
        reason: 'Tested',
        type: 'Normal',
        note: 'hello',
      },
    });
    expect(ok.note).toBe('hello');
    const core1 = await core.readNamespacedEvent({ name: 'new-2', namespace: ns });
    expect(core1.message).toBe('hello');
    expect(core1.reportingComponent).toBe('zen-watcher.kube-zen.io/test');
  });

  it('refuses an event whose involvedObject is in another namespace', async () => {
    const f = await apiFailure(
      core.createNamespacedEvent({ namespace: ns, body: { metadata: { name: 'wrong-ns' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' }, reason: 'X' } }),
    );
    expect(f.code).toBe(422);
    expect(f.status.details.causes[0]).toMatchObject({ field: 'involvedObject.namespace', message: 'Invalid value: "other": does not match event.namespace' });
  });
});
