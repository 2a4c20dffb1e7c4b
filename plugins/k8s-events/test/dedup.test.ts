import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import { type KubeObject } from '@zen-watcher/sdk';
import { resolveWithDefaults } from '@zen-watcher/sdk/host';
import k8sEvents, { normalizeMessage, snakeCase } from '../src/index.js';
import { copy, loadObject } from './fixture-loader.js';

const UID = '47d965e6-4bb3-4c58-a089-1a8b16bf21b0';
/** A crash-looping container, shaped like the real kubelet event of the pulling-image fixture. */
function backOff(count: number, lastTimestamp: string, changes: Record<string, unknown> = {}): KubeObject {
  return {
    ...copy(loadObject('core-v1-event-pulling-image-no-kind.json')),
    type: 'Warning',
    reason: 'BackOff',
    message: `Back-off restarting failed container stanza in pod stanza-g6rzd_default(${UID})`,
    count,
    lastTimestamp,
    ...changes,
  };
}

describe('k8s-events counts and dedup', () => {
  it('keeps one key while the count rises, and carries the count for the host to raise to', async () => {
    const first = backOff(1, '2020-08-13T16:44:30Z');
    const r = await runInformer(k8sEvents, {
      events: [
        { type: 'add', object: first },
        { type: 'update', object: backOff(5, '2020-08-13T16:47:00Z') },
        { type: 'update', object: backOff(12, '2020-08-13T16:58:00Z') },
        { type: 'sync', object: backOff(12, '2020-08-13T16:58:00Z') },
        { type: 'delete', object: backOff(12, '2020-08-13T16:58:00Z') },
      ],
    });
    expect(r.events.map((e) => e.count)).toEqual([1, 5, 12, 12]);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(1);
    expect(r.events[2].detectedAt).toBe('2020-08-13T16:58:00.000Z');
  });

  it('keeps the key when the Event object is recreated for the same problem (new name and uid, aggregated message)', async () => {
    const recreated = backOff(13, '2020-08-13T18:00:00Z', {
      metadata: { name: 'stanza-g6rzd.162ae1aaaaaaaaaa', namespace: 'default', uid: 'ffffffff-5c58-473f-ac51-3e21f6f8e2d1', creationTimestamp: '2020-08-13T18:00:00Z' },
      message: `(combined from similar events): Back-off restarting failed container stanza in pod stanza-g6rzd_default(${UID})`,
    });
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: backOff(12, '2020-08-13T16:58:00Z') }, { type: 'add', object: recreated }] });
    expect(r.events[0].dedupKey).toBe(r.events[1].dedupKey);
  });

  it('takes series.count when it is the larger count', async () => {
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: backOff(1, '2020-08-13T16:44:30Z', { series: { count: 40, lastObservedTime: '2020-08-13T17:00:00.000000Z' } }) }] });
    expect(r.events[0].count).toBe(40);
  });

  it('treats 0/3 and 0/4 nodes unavailable as the same scheduling failure', async () => {
    const scheduling = (note: string, count: number): KubeObject => ({
      ...copy(loadObject('events-k8s-io-v1-scheduled-eventtime-null-deprecated-fields.json')),
      type: 'Warning',
      reason: 'FailedScheduling',
      note,
      deprecatedCount: count,
    });
    const r = await runInformer(k8sEvents, {
      events: [
        { type: 'add', object: scheduling('0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found.', 1) },
        { type: 'add', object: scheduling('0/4 nodes are available: 4 Insufficient cpu. preemption: 0/4 nodes are available: 4 No preemption victims found.', 9) },
      ],
    });
    expect(r.events.map((e) => [e.severity, e.eventType, e.count])).toEqual([
      ['medium', 'scheduling_failed', 1],
      ['medium', 'scheduling_failed', 9],
    ]);
    expect(r.events[0].dedupKey).toBe(r.events[1].dedupKey);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another reason', { reason: 'Unhealthy' }],
    ['another container', { involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'stanza-g6rzd', namespace: 'default', uid: UID, fieldPath: 'spec.containers{sidecar}' } }],
    ['a recreated pod (new uid)', { involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'stanza-g6rzd', namespace: 'default', uid: '00000000-0000-0000-0000-000000000001', fieldPath: 'spec.containers{stanza}' } }],
    ['another pod', { involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'stanza-x9x9x', namespace: 'default', fieldPath: 'spec.containers{stanza}' } }],
    ['another message', { message: 'Back-off pulling image "observiq/stanza:dev"' }],
  ])('gives %s another key', async (_what, changes) => {
    const r = await runInformer(k8sEvents, { events: [{ type: 'add', object: backOff(3, '2020-08-13T16:50:00Z') }, { type: 'add', object: backOff(3, '2020-08-13T16:50:00Z', changes) }] });
    expect(r.events).toHaveLength(2);
    expect(r.events[0].dedupKey).not.toBe(r.events[1].dedupKey);
  });

  it.each([
    ['0/3 nodes are available: 3 Insufficient cpu.', '#/# nodes are available: # Insufficient cpu.'],
    [`Back-off restarting failed container app in pod web-0_shop(${UID})`, 'Back-off restarting failed container app in pod web-#_shop(<uid>)'],
    ['(combined from similar events): Readiness probe failed: HTTP probe failed with statuscode: 503', 'Readiness probe failed: HTTP probe failed with statuscode: #'],
    ['Killing container with id containerd://4f3c2b1a9e8d7c6b5a49382716', 'Killing container with id containerd://<hex>'],
    ['Liveness probe failed: Get "http://10.244.1.17:8080/healthz":\n  dial tcp   refused', 'Liveness probe failed: Get "http://#.#.#.#:#/healthz": dial tcp refused'],
  ])('normalises %j', (message, expected) => {
    expect(normalizeMessage(message)).toBe(expected);
  });

  it.each([
    ['BackOff', 'back_off'],
    ['FailedCreatePodSandBox', 'failed_create_pod_sand_box'],
    ['OOMKilling', 'oom_killing'],
    ['NodeHasSufficientPID', 'node_has_sufficient_pid'],
    ['some reason!', 'some_reason'],
    ['!!!', 'event'],
  ])('derives eventType %s → %s', (reason, expected) => {
    expect(snakeCase(reason)).toBe(expected);
  });
});

describe('k8s-events configuration', () => {
  it.each([
    [{}, [{ group: '', version: 'v1', plural: 'events', kind: 'Event', fieldSelector: 'type=Warning' }]],
    [{ api: 'events.k8s.io/v1' }, [{ group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', fieldSelector: 'type=Warning' }]],
  ])('watches %j', (config, expected) => {
    const resolved = resolveWithDefaults(k8sEvents.config!, config);
    if (!resolved.ok) throw new Error('config rejected');
    expect(typeof k8sEvents.resources === 'function' ? k8sEvents.resources(resolved.value) : k8sEvents.resources).toEqual(expected);
  });

  it.each([
    [{ reason: ['BackOff'] }, /reason/],
    [{ rules: [{ reason: 'BackOff', severity: 'urgent' }] }, /rules/],
    [{ rules: [{ reason: 'BackOff', eventType: 'Crash-Loop' }] }, /rules/],
    [{ rules: [{ reasons: 'BackOff' }] }, /rules/],
    [{ api: 'events.k8s.io/v1beta1' }, /api/],
    [{ rules: [{ reason: '/([/' }] }, /rules\[0\]\.reason/],
    [{ excludeReasons: ['/*/'] }, /excludeReasons\[0\]/],
  ])('rejects config %j', async (config, message) => {
    await expect(runInformer(k8sEvents, { config, events: [] })).rejects.toThrow(message);
  });

  it('is an event-like informer plugin named k8s-events', () => {
    expect(k8sEvents).toMatchObject({ name: 'k8s-events', kind: 'informer', semantics: 'event', apiVersion: 2 });
  });
});
