import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import webhook from '../src/index.js';
import { fixture, fixtureJson, postFixture } from './fixture.js';

/** The Alertmanager config of the README. */
const alertmanager = {
  itemsPath: 'alerts',
  severityPath: 'labels.severity',
  title: '{{labels.alertname}} on {{labels.instance}}',
  description: '{{annotations.summary|annotations.description}}',
  eventTypePath: 'labels.alertname',
  detectedAtPath: 'startsAt',
  dedupFields: ['labels.alertname', 'labels.instance'],
  ignoreWhen: [{ path: 'status', values: ['resolved'] }],
  resource: { apiVersion: '', kind: '', name: 'labels.pod', namespace: 'labels.namespace' },
  resourceDefaults: { kind: 'Pod', apiVersion: 'v1' },
};

const run = postFixture;

describe('Alertmanager', () => {
  it('v3, two alerts: one event each, own instance, own key', async () => {
    const r = await run('alertmanager-v3-two-alerts-no-groupkey.json', alertmanager);
    expect(r.events.map((e) => [e.severity, e.title, e.eventType, e.detectedAt])).toEqual([
      ['medium', 'something_happened on server01.int:9100', 'something_happened', '2016-04-27T20:46:37.903Z'],
      ['medium', 'something_happened on server02.int:9100', 'something_happened', '2016-04-27T20:49:37.903Z'],
    ]);
    expect(r.events[0].message).toBe('Oops, something happened!');
    expect(r.events[0].dedupKey).toBe('webhook|webhook|"something_happened"|"server01.int:9100"');
    expect(r.events[0].dedupKey).not.toBe(r.events[1].dedupKey);
    // No pod or namespace label: resourceDefaults alone name no object, so there is none.
    expect(r.events[0].resource).toBeUndefined();
    expect(r.events[0].details).toMatchObject({ labels: { env: 'prod', severity: 'warning' }, status: 'firing' });
  });

  it('v4 captured from a log: no severity label, level "2", a Go-format timestamp annotation', async () => {
    const r = await run('alertmanager-v4-captured-from-log-tabs-escapes.json', alertmanager);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'info',
      title: 'TargetDown on example-1',
      eventType: 'target_down',
      detectedAt: '2020-05-21T02:58:07.830Z',
      message: 'target was down! example dev /example-1 was down for more than 120s.',
    });
    const mapped = await run('alertmanager-v4-captured-from-log-tabs-escapes.json', {
      ...alertmanager,
      severityPath: 'labels.severity|labels.level',
      severityMap: { '2': 'high' },
    });
    expect(mapped.events[0].severity).toBe('high');
    const unmapped = await run('alertmanager-v4-captured-from-log-tabs-escapes.json', { ...alertmanager, severityPath: 'labels.level' });
    expect(unmapped.events[0].severity).toBe('info');
    expect(unmapped.metrics.unmapped_severity_total).toBe(1);
  });

  it('v4 compact, three alerts of severity "major"', async () => {
    const r = await run('alertmanager-v4-compact-three-alerts-firing.json', alertmanager);
    expect(r.events.map((e) => e.severity)).toEqual(['high', 'high', 'high']);
    expect(r.events.map((e) => e.title)).toEqual([
      'ICMP ping failed on 172.29.254.30',
      'ICMP ping failed on 172.29.254.50',
      'ICMP ping failed on 172.29.254.66',
    ]);
    expect(r.events[0].eventType).toBe('icmp_ping_failed');
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(3);
    // No summary annotation: the description falls back to the description annotation.
    expect(r.events[0].message).toBe('172.29.254.30 does not reply to ICMP pings');
  });

  it('v4 high memory: an offset startsAt is normalised to UTC', async () => {
    const r = await run('alertmanager-v4-firing-high-memory.json', alertmanager);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'medium',
      title: 'high_memory_load on instance-with-hyphen_and_underscore',
      detectedAt: '2018-03-07T11:33:21.873Z',
      message: 'Server High Memory usage',
    });
  });

  it('the same alert firing again (later startsAt, reordered labels) is the same finding', async () => {
    const first = fixtureJson<{ alerts: Record<string, unknown>[] }>('alertmanager-v4-firing-high-memory.json');
    const again = structuredClone(first);
    again.alerts[0].startsAt = '2018-03-08T00:00:00Z';
    again.alerts[0].labels = Object.fromEntries(Object.entries(first.alerts[0].labels as object).reverse());
    for (const dedupFields of [alertmanager.dedupFields, ['labels']]) {
      const a = await runWebhook(webhook, { body: first, config: { ...alertmanager, dedupFields } });
      const b = await runWebhook(webhook, { body: again, config: { ...alertmanager, dedupFields } });
      expect(a.events[0].dedupKey).toBe(b.events[0].dedupKey);
    }
  });

  it('resolved alerts are dropped and counted', async () => {
    const body = fixtureJson<{ status: string; alerts: { status: string }[] }>('alertmanager-v3-two-alerts-no-groupkey.json');
    body.alerts[1].status = 'resolved';
    const r = await runWebhook(webhook, { body, config: alertmanager });
    expect(r.events.map((e) => e.title)).toEqual(['something_happened on server01.int:9100']);
    expect(r.metrics['dropped_total{reason="ignored"}']).toBe(1);
  });

  it('$root reaches the notification around the alert; pods become the resource', async () => {
    const body = fixtureJson<{ alerts: { labels: Record<string, string> }[] }>('alertmanager-v4-firing-high-memory.json');
    body.alerts[0].labels.namespace = 'shop';
    body.alerts[0].labels.pod = 'web-0';
    const r = await runWebhook(webhook, {
      body,
      config: { ...alertmanager, title: '{{labels.alertname}} ({{$root.receiver}}, {{$root.groupLabels.alertname}})', detailsPaths: ['labels', '$root.externalURL'] },
    });
    expect(r.events[0].title).toBe('high_memory_load (teams_proxy, high_memory_load)');
    expect(r.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' });
    expect(r.events[0].details).toEqual({ labels: body.alerts[0].labels, '$root.externalURL': 'http://docker.for.mac.host.internal:9093' });
  });
});

describe('Flux notification-controller (generic provider)', () => {
  it('maps with no config at all', async () => {
    const r = await run('flux-generic-provider-event-kustomization-error.json');
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'high',
      category: 'operations',
      eventType: 'validation_failed',
      title: 'service/apps/webapp validation error: spec.type: Unsupported value: Ingress',
      detectedAt: '2022-10-28T07:26:19.000Z',
      resource: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'webapp', namespace: 'apps' },
      details: { reportingController: 'kustomize-controller', metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main/731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' } },
    });
    expect(r.events[0].dedupKey).toMatch(/^webhook\|webhook\|sha256:[0-9a-f]{64}$/);
  });

  it('with dedupFields, the same failure at another time or revision is one finding', async () => {
    const config = { dedupFields: ['involvedObject.uid|involvedObject.name', 'reason', 'message'], detailsPaths: ['metadata["kustomize.toolkit.fluxcd.io/revision"]'] };
    const a = fixtureJson('flux-generic-provider-event-kustomization-error.json');
    const b = { ...a, timestamp: '2022-10-28T08:00:00Z', metadata: { 'kustomize.toolkit.fluxcd.io/revision': 'main/000' } };
    const c = { ...a, reason: 'HealthCheckFailed' };
    const r = await runWebhook(webhook, { body: [a, b, c], config });
    const [ka, kb, kc] = r.events.map((e) => e.dedupKey);
    expect(ka).toBe(kb);
    expect(kc).not.toBe(ka);
    expect(r.events[0].details).toEqual({ 'metadata["kustomize.toolkit.fluxcd.io/revision"]': 'main/731f7eaddfb6af01cb2173e18f0f75b0ba780ef1' });
  });

  it('without dedupFields: any changed value is another finding, key order is not', async () => {
    const a = fixtureJson('flux-generic-provider-event-kustomization-error.json');
    const reordered = Object.fromEntries(Object.entries(a).reverse());
    const later = { ...a, timestamp: '2022-10-28T08:00:00Z' };
    const r = await runWebhook(webhook, { body: [a, reordered, later] });
    expect(r.events[0].dedupKey).toBe(r.events[1].dedupKey);
    expect(r.events[2].dedupKey).not.toBe(r.events[0].dedupKey);
  });
});

describe('CDEvents', () => {
  const cdevents = {
    title: '{{subject.content.description}} ({{subject.content.service.id}} in {{subject.content.environment.id}})',
    description: '{{customData.metric}} {{customData.value}} (threshold {{customData.threshold}})',
    eventTypePath: '',
    defaultEventType: 'incident_detected',
    defaultSeverity: 'high',
    detectedAtPath: 'context.timestamp',
    dedupFields: ['subject.source', 'subject.id'],
    detailsPaths: ['context.id', 'context.source', 'subject', 'customData'],
  };

  it('incident.detected with a config', async () => {
    const r = await run('cdevents-incident-detected-nested-context.json', cdevents);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'high',
      eventType: 'incident_detected',
      title: 'Response time above threshold of 100ms (myApp in prod1)',
      message: 'responseTime 200ms (threshold 100ms)',
      detectedAt: '2022-11-11T13:52:20.079Z',
      dedupKey: 'webhook|webhook|"/monitoring/prod1"|"incident-123"',
    });
    expect(r.events[0].resource).toBeUndefined();
    expect(Object.keys(r.events[0].details!)).toEqual(['context.id', 'context.source', 'subject', 'customData']);
  });

  it('with no config: a generic event, the receive time, a bounded copy in details', async () => {
    const before = Date.now();
    const r = await run('cdevents-incident-detected-nested-context.json');
    expect(r.events[0]).toMatchObject({ severity: 'info', category: 'operations', eventType: 'webhook_event', title: 'Webhook event' });
    expect(Date.parse(r.events[0].detectedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect((r.events[0].details as { context: { links: unknown[] } }).context.links).toHaveLength(3);
  });

  it('context.type as the eventType is turned into [a-z0-9_]', async () => {
    const r = await run('cdevents-incident-detected-nested-context.json', { ...cdevents, eventTypePath: 'context.type' });
    expect(r.events[0].eventType).toBe('dev_cdevents_incident_detected_0_3_0');
  });
});
