import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject, SourceEvent } from '@zen-watcher/sdk';
import k8sEvents from '../src/index.js';
import { copy, loadObject, loadObjects } from './fixture-loader.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const warning = (o: KubeObject, changes: Record<string, unknown> = {}): KubeObject => ({ ...copy(o), type: 'Warning', ...changes });
const FILES = [
  'core-v1-event-all-fields-api-roundtrip-fixture.json',
  'core-v1-event-all-fields-api-roundtrip-fixture.yaml',
  'core-v1-event-kyverno-deletingpolicy-cleanup.yaml',
  'core-v1-event-pulling-image-no-kind.json',
  'events-k8s-io-v1-event-all-fields-api-roundtrip-fixture.json',
  'events-k8s-io-v1-scheduled-eventtime-null-deprecated-fields.json',
];
const pulling = () => loadObject('core-v1-event-pulling-image-no-kind.json');
const scheduled = () => loadObject('events-k8s-io-v1-scheduled-eventtime-null-deprecated-fields.json');
const pick = (e: SourceEvent) => ({ severity: e.severity, category: e.category, eventType: e.eventType, title: e.title, resource: e.resource, detectedAt: e.detectedAt, count: e.count });

describe('k8s-events fixtures', () => {
  it.each(FILES)('%s is not a Warning event: the watch (type=Warning) never delivers it', async (file) => {
    const r = await runInformer(k8sEvents, { events: loadObjects(file).map(add) });
    expect(r.errors).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual([expect.stringContaining('fieldSelector type=Warning')]);
  });

  it.each(FILES)('%s, delivered anyway (a server ignoring the selector), is filtered and counted', async (file) => {
    const [object] = loadObjects(file);
    const r = await runInformer({ ...k8sEvents, resources: [{ group: '', version: 'v1', plural: 'events', kind: 'Event' }] }, { events: [add(object)] });
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({ 'filtered_total{reason="not_warning"}': 1 });
  });

  it.each([
    {
      file: 'core-v1-event-all-fields-api-roundtrip-fixture.json',
      expected: {
        severity: 'low',
        category: 'operations',
        eventType: 'reason_value',
        title: 'reasonValue: messageValue',
        resource: { apiVersion: 'apiVersionValue', kind: 'kindValue', name: 'nameValue', namespace: 'namespaceValue', uid: 'uidValue' },
        detectedAt: '2010-01-01T01:01:01.000Z', // eventTime, before lastTimestamp
        count: 8, // count 8 beats series.count 1
      },
    },
    {
      file: 'events-k8s-io-v1-event-all-fields-api-roundtrip-fixture.json',
      expected: {
        severity: 'low',
        category: 'operations',
        eventType: 'reason_value',
        title: 'reasonValue: noteValue',
        resource: { apiVersion: 'apiVersionValue', kind: 'kindValue', name: 'nameValue', namespace: 'namespaceValue', uid: 'uidValue' },
        detectedAt: '2002-01-01T01:01:01.000Z',
        count: 15, // deprecatedCount
      },
    },
    {
      file: 'events-k8s-io-v1-scheduled-eventtime-null-deprecated-fields.json',
      expected: {
        severity: 'low',
        category: 'operations',
        eventType: 'scheduled',
        title: 'Scheduled: Successfully assigned test-530513/some-pod to test-pgd-control-plane',
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'some-pod', namespace: 'test-530513', uid: 'ace87ee8-15fb-46ae-9dae-c77422c2010f' },
        detectedAt: '2023-02-16T18:25:07.000Z', // eventTime null: deprecatedLastTimestamp
        count: 1,
      },
    },
    {
      file: 'core-v1-event-pulling-image-no-kind.json',
      expected: {
        severity: 'low',
        category: 'operations',
        eventType: 'pulling',
        title: 'Pulling: Pulling image "observiq/stanza:dev"',
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'stanza-g6rzd', namespace: 'default', uid: '47d965e6-4bb3-4c58-a089-1a8b16bf21b0' },
        detectedAt: '2020-08-13T16:43:57.000Z', // eventTime null: lastTimestamp
        count: 1,
      },
    },
    {
      file: 'core-v1-event-kyverno-deletingpolicy-cleanup.yaml',
      expected: {
        severity: 'low',
        category: 'operations',
        eventType: 'policy_applied',
        title: 'PolicyApplied: successfully deleted the target resource Pod/default/example',
        resource: { apiVersion: 'policies.kyverno.io/v1', kind: 'DeletingPolicy', name: 'deleting-pod', uid: 'cc44fb71-9413-4bbf-bc37-036a10f02c7c' },
        detectedAt: '2025-06-26T11:13:00.000Z', // no count, no timestamps: creationTimestamp
        count: 1,
      },
    },
  ])('maps every field of $file once it is a Warning', async ({ file, expected }) => {
    const r = await runInformer(k8sEvents, { events: [add(warning(loadObject(file)))] });
    expect(r.invalid).toEqual([]);
    expect(r.events.map(pick)).toEqual([expected]);
  });

  it('maps the JSON and YAML serialisations of the core fixture to the same event', async () => {
    const r = await runInformer(k8sEvents, {
      events: [add(warning(loadObject('core-v1-event-all-fields-api-roundtrip-fixture.json'))), add(warning(loadObject('core-v1-event-all-fields-api-roundtrip-fixture.yaml')))],
    });
    expect(r.events[0]).toEqual(r.events[1]);
    expect(r.events[0].details).toEqual({
      reason: 'reasonValue',
      type: 'Warning',
      count: 8,
      fieldPath: 'fieldPathValue',
      firstTimestamp: '2006-01-01T01:01:01.000Z',
      lastTimestamp: '2007-01-01T01:01:01.000Z',
      component: 'componentValue',
      host: 'hostValue',
      reportingController: 'reportingComponentValue',
      reportingInstance: 'reportingInstanceValue',
      action: 'actionValue',
      related: { apiVersion: 'apiVersionValue', kind: 'kindValue', name: 'nameValue', namespace: 'namespaceValue', uid: 'uidValue', fieldPath: 'fieldPathValue' },
      event: { name: 'nameValue', namespace: 'namespaceValue' },
    });
  });

  it('keeps the Kyverno event’s related object and reporting controller', async () => {
    const r = await runInformer(k8sEvents, { events: [add(warning(loadObject('core-v1-event-kyverno-deletingpolicy-cleanup.yaml')))] });
    expect(r.events[0].details).toMatchObject({
      reportingController: 'kyverno-cleanup',
      action: 'Resource Cleaned Up',
      related: { apiVersion: 'v1', kind: 'Pod', name: 'example', namespace: 'default' },
    });
  });
});

describe('k8s-events classification', () => {
  const uid = '47d965e6-4bb3-4c58-a089-1a8b16bf21b0';
  it.each<[string, string, string, string, string]>([
    ['BackOff', `Back-off restarting failed container stanza in pod stanza-g6rzd_default(${uid})`, 'high', 'crash_loop_backoff', 'operations'],
    ['BackOff', 'Back-off pulling image "observiq/stanza:dev"', 'medium', 'image_pull_backoff', 'operations'],
    ['Failed', 'Failed to pull image "observiq/stanza:dev": rpc error: code = NotFound', 'medium', 'image_pull_failed', 'operations'],
    ['Failed', 'Error: ImagePullBackOff', 'medium', 'image_pull_failed', 'operations'],
    ['Failed', 'Error: container has runAsNonRoot and image will run as root', 'medium', 'container_failed', 'operations'],
    ['CrashLoopBackOff', 'container stanza is crash looping', 'high', 'crash_loop_backoff', 'operations'],
    ['OOMKilling', 'Memory cgroup out of memory: Killed process 4242 (java)', 'high', 'oom_killed', 'operations'],
    ['Evicted', 'The node was low on resource: memory.', 'high', 'pod_evicted', 'operations'],
    ['FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', 'medium', 'scheduling_failed', 'operations'],
    ['FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "stanza" not found', 'medium', 'volume_mount_failed', 'operations'],
    ['Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'medium', 'probe_failed', 'operations'],
    ['FailedCreate', 'Error creating: pods "web-7d9f8c6b5-" is forbidden: violates PodSecurity "restricted:latest"', 'medium', 'admission_denied', 'security'],
    ['FailedCreate', 'Error creating: admission webhook "validate.kyverno.svc-fail" denied the request', 'medium', 'admission_denied', 'security'],
    ['FailedCreate', 'Error creating: Timeout: request did not complete within requested timeout', 'medium', 'create_failed', 'operations'],
    ['BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'high', 'job_failed', 'operations'],
    ['FailedPostStartHook', 'PostStartHook failed', 'medium', 'lifecycle_hook_failed', 'operations'],
    ['FreeDiskSpaceFailed', 'failed to garbage collect required amount of images', 'medium', 'node_disk_pressure', 'operations'],
    ['SomethingOdd', 'a reason no rule knows', 'low', 'something_odd', 'operations'],
  ])('%s "%s" is %s %s (%s)', async (reason, message, severity, eventType, category) => {
    const r = await runInformer(k8sEvents, { events: [add(warning(pulling(), { reason, message }))] });
    expect(r.events.map((e) => [e.severity, e.eventType, e.category])).toEqual([[severity, eventType, category]]);
  });

  it('tries the Ingester’s rules first, then the built-in ones', async () => {
    const r = await runInformer(k8sEvents, {
      config: { rules: [{ reason: 'BackOff', message: 'payments', severity: 'critical', eventType: 'payments_down', category: 'operations' }, { reason: '/^Custom/', severity: 'info' }] },
      events: [
        add(warning(pulling(), { reason: 'BackOff', message: 'Back-off restarting failed container payments' })),
        add(warning(pulling(), { reason: 'BackOff', message: 'Back-off restarting failed container web' })),
        add(warning(pulling(), { reason: 'CustomAlarm', message: 'x' })),
      ],
    });
    expect(r.events.map((e) => [e.severity, e.eventType])).toEqual([
      ['critical', 'payments_down'],
      ['high', 'crash_loop_backoff'],
      ['info', 'custom_alarm'],
    ]);
    expect(r.events[0].details?.rule).toBe('BackOff ~ payments');
  });

  it('uses only the defaults with builtinRules off', async () => {
    const r = await runInformer(k8sEvents, {
      config: { builtinRules: false, defaultSeverity: 'medium', defaultCategory: 'performance' },
      events: [add(warning(pulling(), { reason: 'BackOff', message: 'Back-off restarting failed container' }))],
    });
    expect(r.events.map((e) => [e.severity, e.eventType, e.category])).toEqual([['medium', 'back_off', 'performance']]);
  });
});

describe('k8s-events filters', () => {
  const events = () =>
    [
      warning(pulling(), { reason: 'BackOff', message: 'Back-off restarting failed container' }),
      warning(pulling(), { reason: 'DNSConfigForming', message: 'Nameserver limits were exceeded' }),
      warning(pulling(), { reason: 'FailedGetResourceMetric', message: 'failed to get cpu utilization' }),
      warning(scheduled(), { reason: 'FailedScheduling', note: '0/3 nodes are available' }),
      warning(pulling(), { reason: 'Rebooted', involvedObject: { kind: 'Node', name: 'kube-master-1' } }),
    ].map(add);

  it.each<[Record<string, unknown>, string[], Record<string, number>]>([
    [{}, ['BackOff', 'FailedScheduling', 'Rebooted'], { 'filtered_total{reason="reason_excluded"}': 2 }],
    [{ excludeReasons: [] }, ['BackOff', 'DNSConfigForming', 'FailedGetResourceMetric', 'FailedScheduling', 'Rebooted'], {}],
    [{ excludeReasons: ['/^Failed/'] }, ['BackOff', 'DNSConfigForming', 'Rebooted'], { 'filtered_total{reason="reason_excluded"}': 2 }],
    [{ reasons: ['BackOff', 'Rebooted'] }, ['BackOff', 'Rebooted'], { 'filtered_total{reason="reason_not_included"}': 3 }],
    [{ reasons: ['/^Failed/'], excludeReasons: [] }, ['FailedGetResourceMetric', 'FailedScheduling'], { 'filtered_total{reason="reason_not_included"}': 3 }],
    [{ involvedKinds: ['Node'] }, ['Rebooted'], { 'filtered_total{reason="reason_excluded"}': 2, 'filtered_total{reason="kind_not_included"}': 2 }],
  ])('with %j reports %j', async (config, reasons, metrics) => {
    const r = await runInformer(k8sEvents, { config, events: events() });
    expect(r.events.map((e) => e.details?.reason)).toEqual(reasons);
    expect(r.metrics).toEqual(metrics);
  });
});
