import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import falco from '../src/index.js';
import { fixture, fixtureJson } from './fixture.js';

interface Expected {
  file: string;
  severity: string;
  title: string;
  eventType: string;
  detectedAt: string;
  resource?: Record<string, string>;
  message?: RegExp;
}

const cases: Expected[] = [
  {
    file: 'raw-syscall-critical-terminal-shell.json',
    severity: 'critical',
    title: 'Terminal shell in container',
    eventType: 'runtime_threat',
    detectedAt: '2023-05-25T13:44:05.478Z',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'kubecon', namespace: 'default' },
    message: /^A shell was spawned in a container with an attached terminal \(user=root/,
  },
  {
    file: 'raw-syscall-notice-fission-k8s-api-connection.json',
    severity: 'low',
    title: 'Contact K8S API Server From Container',
    eventType: 'runtime_threat',
    detectedAt: '2021-07-21T10:37:09.101Z',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'poolmgr-go-default-516098-5bdbf8c8f5-g8gvc', namespace: 'fission-function' },
  },
  {
    file: 'raw-syscall-notice-k8s-api-connection.json',
    severity: 'low',
    title: 'Contact K8S API Server From Container',
    eventType: 'runtime_threat',
    detectedAt: '2021-04-10T19:27:21.038Z',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'falco-pod-delete-7dc9f5fbb8-gbfk7', namespace: 'openfaas-fn' },
  },
  {
    file: 'raw-syscall-notice-terminal-shell-deployment-pod.json',
    severity: 'low',
    title: 'Terminal shell in container',
    eventType: 'runtime_threat',
    detectedAt: '2021-06-13T19:35:58.532Z',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'alpine-deployment-77789455d6-m7flp', namespace: 'default' },
  },
  {
    file: 'raw-syscall-notice-terminal-shell-duplicated-k8s-suffix.json',
    severity: 'low',
    title: 'Terminal shell in container',
    eventType: 'runtime_threat',
    detectedAt: '2021-05-02T20:24:10.361Z',
    resource: { apiVersion: 'v1', kind: 'Pod', name: 'alpine', namespace: 'falcoresponse' },
  },
  {
    file: 'raw-k8saudit-informational-serviceaccount-created.json',
    severity: 'info',
    title: 'K8s Serviceaccount Created',
    eventType: 'k8s_audit',
    detectedAt: '2023-05-10T14:09:17.699Z',
    resource: { apiVersion: 'v1', kind: 'ServiceAccount', name: 'default', namespace: 'default' },
  },
  {
    // ka.target.namespace is missing here: the namespace comes from ka.uri.
    file: 'raw-k8saudit-warning-disallowed-user-403.json',
    severity: 'medium',
    title: 'Disallowed K8s User',
    eventType: 'k8s_audit',
    detectedAt: '2025-02-10T09:15:57.508Z',
    resource: { apiVersion: 'v1', kind: 'Event', name: 'my-pool-1.18051c0a88716868', namespace: 'default' },
  },
  {
    // `time` (2019) and evt.time (2017) disagree in this README sample; `time` wins.
    file: 'sidekick-readme-error-write-below-binary-dir.json',
    severity: 'high',
    title: 'Write below binary dir',
    eventType: 'runtime_threat',
    detectedAt: '2019-05-17T15:31:56.746Z',
    message: /^File below a known binary directory opened for writing/,
  },
  {
    // falcosidekick's test input says source "syscalls" and has no k8s fields.
    file: 'sidekick-test-debug-with-source-tags-hostname.json',
    severity: 'info',
    title: 'Test rule',
    eventType: 'runtime_threat',
    detectedAt: '2001-01-01T01:10:00.000Z',
  },
];

describe('falco fixtures', () => {
  it.each(cases)('$file', async (c) => {
    const r = await runWebhook(falco, { rawBody: fixture(c.file), contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    const [e] = r.events;
    expect(e.severity).toBe(c.severity);
    expect(e.title).toBe(c.title);
    expect(e.category).toBe('security');
    expect(e.eventType).toBe(c.eventType);
    expect(e.detectedAt).toBe(c.detectedAt);
    expect(e.resource).toEqual(c.resource);
    if (c.message) expect(e.message).toMatch(c.message);
    expect(e.dedupKey).toContain(c.title);
  });

  it('keeps the host and output fields in details', async () => {
    const r = await runWebhook(falco, { body: fixtureJson('raw-syscall-critical-terminal-shell.json') });
    const d = r.events[0].details as Record<string, unknown>;
    expect(d).toMatchObject({ rule: 'Terminal shell in container', priority: 'Critical', source: 'syscall', hostname: 'falco-xczjd' });
    expect(d.tags).toEqual(['container', 'mitre_execution', 'shell']);
    expect(d.outputFields).toMatchObject({ 'container.id': 'ee97d9c4186f', 'proc.tty': 34816, 'user.loginuid': -1 });
  });

  it('reads NDJSON (sent as application/json) as 8 alerts of one finding', async () => {
    const r = await runWebhook(falco, { rawBody: fixture('raw-ndjson-warning-open-from-cat-8-alerts.jsonl'), contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.events).toHaveLength(8);
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(1);
    expect(r.events.map((e) => e.severity)).toEqual(Array(8).fill('medium'));
    // With no pod or container the host is part of the finding, and is in details.
    expect(r.events[0].resource).toBeUndefined();
    expect(r.events[0].dedupKey).toContain('test-falco-hostname');
    expect(r.events[0].detectedAt).toBe('2016-08-04T16:17:57.881Z');
    expect(r.events[7].detectedAt).toBe('2016-08-04T16:17:57.882Z');
  });

  it('reads NDJSON declared as application/x-ndjson and a JSON array alike', async () => {
    const text = fixture('raw-ndjson-warning-open-from-cat-8-alerts.jsonl');
    const nd = await runWebhook(falco, { rawBody: text, contentType: 'application/x-ndjson' });
    const arr = await runWebhook(falco, { body: text.trim().split('\n').map((l) => JSON.parse(l)) });
    expect(nd.events).toHaveLength(8);
    expect(arr.events).toEqual(nd.events);
  });
});
