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
  it('makes each alert a finding, field by field', async () => {
    const r = await post('grafana-alerting-webhook-two-alerts-firing.json');
    expect(r.events).toHaveLength(2);
    const { dedupKey, ...first } = r.events[0];
    expect(first).toEqual({
      // No severity label: defaultSeverity.
      severity: 'info',
      category: 'operations',
      eventType: 'high_memory_usage',
      title: 'High memory usage',
      message: 'This alert was triggered for zone us-1. The system has high memory usage',
      detectedAt: '2021-10-12T07:51:03.157Z',
      details: {
        format: 'grafana',
        status: 'firing',
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
        annotations: { description: 'The system has high memory usage', runbook_url: 'https://myrunbook.com/runbook/1234', summary: 'This alert was triggered for zone us-1' },
        startsAt: '2021-10-12T09:51:03.157076+02:00',
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL: 'https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1',
        values: { B: 44.23943737541908, C: 1 },
        receiver: 'My Super Webhook',
        externalURL: 'https://play.grafana.org/',
        groupKey: '{}:{}',
      },
    });
    expect(dedupKey).not.toBe(r.events[1].dedupKey);
    expect(r.events[1]).toMatchObject({ title: 'High CPU usage', detectedAt: '2021-10-12T07:56:03.157Z' });
    expect(r.metrics['unmapped_severity_total']).toBeUndefined();
  });
});
