import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import webhook from '../src/index.js';
import { fixture, fixtureJson, postFixture } from './fixture.js';

// Alertmanager and Grafana notifications with no config at all: one finding per alert.

const post = postFixture;

describe('Alertmanager notifications, no config', () => {
  it('makes each alert a finding, field by field: severity from labels.severity, startsAt as the time', async () => {
    const r = await post('alertmanager-v4-compact-three-alerts-firing.json');
    expect(r.events).toHaveLength(3);
    const { details, dedupKey, ...first } = r.events[0];
    expect(first).toEqual({
      severity: 'high', // "major"
      category: 'operations',
      eventType: 'icmp_ping_failed',
      title: 'ICMP ping failed on 172.29.254.30',
      message: '172.29.254.30 does not reply to ICMP pings',
      detectedAt: '2019-09-27T16:27:56.612Z',
    });
    // Identity: the alert's label set (no fingerprint in this payload), per instance of the source.
    expect(dedupKey).toMatch(/^webhook\|webhook\|alert\|labels:[0-9a-f]{64}$/);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(3);
    expect(details).toEqual({
      format: 'alertmanager',
      status: 'firing',
      labels: { alertname: 'ICMP ping failed', instance: '172.29.254.30', job: 'blackbox-icmp', monitor: 'monis', severity: 'major', tags: 'icmp, ping failed', summary: 'No physical connection to 172.29.254.30' },
      annotations: { description: '172.29.254.30 does not reply to ICMP pings' },
      startsAt: '2019-09-27T16:27:56.612666101Z',
      generatorURL: 'http://9ed35ff90bf8:9090/graph?g0.expr=probe_success%7Bjob%3D%22blackbox-icmp%22%7D+%3D%3D+0&g0.tab=1',
      receiver: 'alertmonitor_swarm',
      externalURL: 'http://:9093',
      groupKey: '{}/{severity=~"^(?:^(critical|major|minor|warning|informational)$)$"}:{alertname="ICMP ping failed"}',
    });
  });

  it('reads the severity words of the shared scale: warning, critical; an unknown level is the default, counted', async () => {
    expect((await post('alertmanager-v3-two-alerts-no-groupkey.json')).events.map((e) => e.severity)).toEqual(['medium', 'medium']);
    expect((await post('alertmanager-v4-firing-fire-no-instance.json')).events.map((e) => e.severity)).toEqual(['critical']);
    const level = await post('alertmanager-v4-captured-from-log-tabs-escapes.json');
    expect(level.events.map((e) => e.severity)).toEqual(['info']); // labels.level is "2"
    expect(level.metrics['unmapped_severity_total']).toBe(1);
    const mapped = await post('alertmanager-v4-captured-from-log-tabs-escapes.json', { severityMap: { '2': 'high' } });
    expect(mapped.events.map((e) => e.severity)).toEqual(['high']);
  });

  it('leaves no dangling "on" when no label says where the alert fires', async () => {
    const r = await post('alertmanager-v4-firing-fire-no-instance.json');
    expect(r.events[0]).toMatchObject({ title: 'Fire', eventType: 'fire', message: 'Something is on fire', detectedAt: '2018-11-04T21:43:58.283Z' });
    // The same through a template of the README that names a label the alert lacks.
    const templated = await post('alertmanager-v4-firing-fire-no-instance.json', { itemsPath: 'alerts', title: '{{labels.alertname}} on {{labels.instance|labels.pod}}' });
    expect(templated.events[0].title).toBe('Fire');
  });

  it('does not record a resolved alert as a new finding: it is dropped and counted', async () => {
    const firing = await post('alertmanager-v4-firing-fire-no-instance.json');
    const resolved = await post('alertmanager-v4-resolved-fire.json');
    expect(firing.events).toHaveLength(1);
    expect(resolved.events).toEqual([]);
    expect(resolved.metrics['dropped_total{reason="resolved"}']).toBe(1);
  });

  it('takes the label set as identity: two alerts with the same labels are one finding, notified twice', async () => {
    const r = await post('alertmanager-v4-two-alerts-same-labels.json');
    expect(r.events.map((e) => e.dedupKey)).toEqual([r.events[0].dedupKey, r.events[0].dedupKey]);
    expect(r.events[0]).toMatchObject({ title: 'high_memory_load on instance-with-hyphen_and_underscore', severity: 'medium', detectedAt: '2018-03-07T11:33:21.873Z' });
    expect(r.events.map((e) => e.message)).toEqual([
      'Server High Memory usage. 10.80.40.11 reported high memory usage with 23.28%.',
      'Server High Memory usage. 10.80.40.12 reported high memory usage with 33.28%.',
    ]);
  });

  it('names the pod, workload or node of the labels as the resource', async () => {
    const body = fixtureJson<{ alerts: { labels: Record<string, string> }[] }>('alertmanager-v4-firing-fire-no-instance.json');
    body.alerts[0].labels = { ...body.alerts[0].labels, namespace: 'shop', pod: 'web-0' };
    const pod = await runWebhook(webhook, { body });
    expect(pod.events[0]).toMatchObject({ title: 'Fire on web-0', resource: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' } });
    body.alerts[0].labels = { alertname: 'KubeNodeNotReady', node: 'worker-1', severity: 'warning' };
    const node = await runWebhook(webhook, { body });
    expect(node.events[0]).toMatchObject({ title: 'KubeNodeNotReady on worker-1', resource: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' } });
  });

  it('is off with recognizeAlerts: false, or when itemsPath is set: the generic mapping applies', async () => {
    const off = await post('alertmanager-v4-compact-three-alerts-firing.json', { recognizeAlerts: false });
    expect(off.events).toHaveLength(1);
    expect(off.events[0].title).toBe('Webhook event');
  });
});

describe('Grafana unified alerting notifications, no config', () => {
  it('makes each alert a finding, field by field (Grafana 11: values, dashboard and panel links)', async () => {
    const r = await post('grafana-11-alerting-webhook-values-dashboard.json');
    expect(r.events).toHaveLength(1);
    const { dedupKey, ...event } = r.events[0];
    expect(event).toEqual({
      // No severity label: defaultSeverity.
      severity: 'info',
      category: 'operations',
      eventType: 'memory_copy',
      title: 'Memory (copy)',
      message: 'High memory usage',
      detectedAt: '2024-03-01T02:09:00.000Z',
      details: {
        format: 'grafana',
        status: 'firing',
        labels: { alertname: 'Memory (copy)', debug: 'true', grafana_folder: 'device' },
        annotations: { summary: 'High memory usage' },
        startsAt: '2024-03-01T02:09:00Z',
        generatorURL: 'https://play.grafana.org/alerting/grafana/dd2f0260-3cfc-4c65-a4c4-f3f632c551f4/view?orgId=1',
        fingerprint: 'e6349a25f5ef0e9e',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matcher=alertname%3DMemory+%28copy%29&matcher=debug%3Dtrue&matcher=grafana_folder%3Ddevice&orgId=1',
        dashboardURL: 'https://play.grafana.org/d/ece9fb32-7f71-4be9-bd94-2f23608ae5b9?orgId=1',
        panelURL: 'https://play.grafana.org/d/ece9fb32-7f71-4be9-bd94-2f23608ae5b9?orgId=1&viewPanel=2',
        values: { A: 2473545728, B: 0, C: 1, minute: 9 },
        valueString: "[ var='A' labels={instance=node_exporter:9100, job=node} value=2.473545728e+09 ], [ var='B' labels={instance=node_exporter:9100, job=node} value=0 ], [ var='C' labels={} value=1 ], [ var='minute' labels={} value=9 ]",
        receiver: 'Debug webhook',
        externalURL: 'https://play.grafana.org/',
        groupKey: '{}/{debug="true"}:{alertname="Memory (copy)", grafana_folder="device"}',
      },
    });
    expect(dedupKey).toMatch(/\S/);
    expect(r.metrics['unmapped_severity_total']).toBeUndefined();
  });

  it('tells apart alerts of one rule by their labels (Grafana 9: three alerts, times in nanoseconds)', async () => {
    const r = await post('grafana-9-alerting-webhook-three-alerts-firing.json');
    expect(r.events.map((e) => [e.title, e.eventType, e.detectedAt, e.message])).toEqual([
      ['Test alert on badhost.example.com', 'test_alert', '2022-06-17T01:11:00.782Z', 'This is a summary field, failure on badhost.example.com. This is a description'],
      ['Test alert on otherhost.example.com', 'test_alert', '2022-06-17T01:11:00.782Z', 'This is a summary field, failure on otherhost.example.com. This is a description'],
      ['Second webhook test', 'second_webhook_test', '2022-06-17T01:03:00.782Z', 'Testing **another** failing alert. Description **here**'],
    ]);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(3);
    // Empty links are left out; Grafana 9's rendering of the values is kept.
    expect(r.events[0].details).not.toHaveProperty('dashboardURL');
    expect(r.events[0].details).toMatchObject({ format: 'grafana', fingerprint: 'aaafafe0953f0962', valueString: expect.stringContaining('value=17') });
  });
});
