import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import k8sEvents from '../src/index.js';
import { copy, loadObjects } from './fixture-loader.js';

// Events the API server accepts whose involvedObject names no object by name.
const [jobEvent, nodeEvent] = loadObjects('core-v1-events-apiserver-validation-accepted-no-name.yaml');
const add = (object: KubeObject) => ({ type: 'add' as const, object });
// The watch asks for type=Warning; a server ignoring the field selector delivers the rest too.
const noSelector = { ...k8sEvents, resources: [{ group: '', version: 'v1', plural: 'events', kind: 'Event' }] };

describe('the event type is checked before the shape', () => {
  it('counts a Normal event with an unnamed involved object as not_warning, not as malformed', async () => {
    const r = await runInformer(noSelector, { events: [add(nodeEvent)] });
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({ 'filtered_total{reason="not_warning"}': 1 });
  });

  it('counts an event without a type (and without a reason) as not_warning', async () => {
    const r = await runInformer(noSelector, { events: [add(jobEvent)] });
    expect(r.metrics).toEqual({ 'filtered_total{reason="not_warning"}': 1 });
  });
});

describe('a Warning whose involved object has a kind and a namespace but no name', () => {
  it('is a finding on that kind in that namespace, field by field', async () => {
    // The accepted Job reference as a Warning would carry it (type and reason added).
    const warning = { ...copy(jobEvent), type: 'Warning', reason: 'FailedCreate', message: 'Error creating: pods "x-" is forbidden: exceeded quota: compute', lastTimestamp: '2026-11-20T10:00:00Z' };
    const r = await runInformer(k8sEvents, { events: [add(warning)] });
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([
      {
        severity: 'medium',
        category: 'security',
        eventType: 'admission_denied',
        title: 'FailedCreate: Error creating: pods "x-" is forbidden: exceeded quota: compute',
        message: 'Error creating: pods "x-" is forbidden: exceeded quota: compute',
        resource: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default' },
        detectedAt: '2026-11-20T10:00:00.000Z',
        dedupKey: 'k8s-event||default/Job/||FailedCreate|Error creating: pods "x-" is forbidden: exceeded quota: compute',
        count: 1,
        details: {
          reason: 'FailedCreate',
          type: 'Warning',
          count: 1,
          lastTimestamp: '2026-11-20T10:00:00.000Z',
          rule: 'FailedCreate ~ /forbidden|violates podsecurity|denied the request|admission webhook/i',
          event: { name: 'test7', namespace: 'default' },
        },
      },
    ]);
  });

  it('is a finding on the namespace when the reference names only a namespace', async () => {
    const warning = { ...copy(jobEvent), type: 'Warning', reason: 'FailedCreate', involvedObject: { namespace: 'default' } };
    const r = await runInformer(k8sEvents, { events: [add(warning)] });
    expect(r.events.map((e) => e.resource)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', name: 'default' }]);
  });

  it('and a Node reference without a name is a finding on the kind', async () => {
    const warning = { ...copy(nodeEvent), type: 'Warning', reason: 'Rebooted' };
    const r = await runInformer(k8sEvents, { events: [add(warning)] });
    expect(r.events.map((e) => [e.eventType, e.resource, e.dedupKey])).toEqual([['node_rebooted', { apiVersion: 'v1', kind: 'Node' }, 'k8s-event||/Node/||Rebooted|']]);
  });
});
