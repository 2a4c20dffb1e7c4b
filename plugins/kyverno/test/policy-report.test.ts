import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject, SourceEvent } from '@zen-watcher/sdk';
import kyverno from '../src/index.js';
import { copy, loadObject, loadObjects } from './fixture-loader.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const ALL = { results: ['fail', 'warn', 'error', 'pass', 'skip'] };
const summary = (e: SourceEvent) => [e.severity, e.category, e.eventType, e.title, e.resource, e.detectedAt, e.dedupKey];
type Result = Record<string, unknown>;
const results = (o: KubeObject) => o.results as Result[];

// One fixture carries a result timestamp in 2028; pin "now" so the future-time guard is stable.
beforeEach(() => {
  vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-26T12:00:00Z'));
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('kyverno fixtures (default config: fail results only)', () => {
  it.each([
    {
      file: 'policyreport-v1alpha2-kyverno-pod-pass-fail.yaml',
      events: [
        [
          'medium',
          'security',
          'policy_violation',
          'Policy disallow-host-namespaces rule host-namespaces failed',
          { apiVersion: 'v1', kind: 'Pod', name: 'kube-apiserver-kind-control-plane', namespace: 'kube-system', uid: '487df031-11d8-4ab4-b089-dfc0db1e533e' },
          '2023-12-06T13:19:22.000Z',
          'kyverno|disallow-host-namespaces|host-namespaces|fail|kube-system/Pod/kube-apiserver-kind-control-plane',
        ],
      ],
    },
    {
      file: 'openreports-reportlist-kyverno-background-scan.yaml',
      events: [
        [
          // No severity of its own, scored: a scored failure is high on the shared scale.
          'high',
          'compliance',
          'policy_violation',
          'Policy default/require-app-label rule check-app-label failed',
          { apiVersion: 'v1', kind: 'Pod', name: 'example-deployment-c94dc9f47-dfq6l', namespace: 'default', uid: 'dcd32da4-8539-4636-bba5-fd2cc3a6aaff' },
          undefined, // its timestamp is in 2028 and it has no creationTimestamp
          'kyverno|default/require-app-label|check-app-label|fail|default/Pod/example-deployment-c94dc9f47-dfq6l',
        ],
      ],
    },
    {
      file: 'policyreport-clusterpolicyreport-v1alpha2-wg-sample-falco-multidoc.yaml',
      events: [
        [
          'low',
          'security',
          'policy_violation',
          'Policy Change thread namespace failed',
          { apiVersion: 'v1', kind: 'Pod', name: 'a-pod', namespace: 'my-namespace' },
          undefined,
          // The alert's process and path tell it from another alert of the rule on the pod.
          'falco-agent|Change thread namespace||fail|my-namespace/Pod/a-pod|evt.arg.path=/bin/directory-created-by-event-generator,proc.cmdline=event-generator run --loop ^syscall',
        ],
        [
          'medium',
          'security',
          'policy_violation',
          'Policy audit failed',
          { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'ClusterPolicyReport', name: 'falco-alerts-policy' },
          undefined,
          'falco-agent|audit||fail|/ClusterPolicyReport/falco-alerts-policy|resp=200,target=kubernetes/endpoints,uri=/api/v1/namespaces/default/endpoints/kubernetes,user=username,verb=create',
        ],
      ],
    },
    {
      file: 'openreports-report-v1alpha1-sample-cis-k8s.yaml',
      events: [
        [
          'high',
          'compliance',
          'policy_violation',
          '1.2.2 failed: ensure that --basic-auth-file argument is not set',
          { apiVersion: 'openreports.io/v1alpha1', kind: 'Report', name: 'sample-cis-bench-api-server' },
          undefined,
          'kube-bench-adapter|api-server:basic-auth-file||fail|/Report/sample-cis-bench-api-server|category=API Server,index=1.2.2',
        ],
      ],
    },
    {
      file: 'policyreport-v1alpha2-wg-sample-cis-k8s.yaml',
      events: [
        [
          'high',
          'compliance',
          'policy_violation',
          '1.2.2 failed: ensure that --basic-auth-file argument is not set',
          { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', name: 'sample-cis-bench-api-server' },
          undefined,
          'kube-cis|api-server:basic-auth-file||fail|/PolicyReport/sample-cis-bench-api-server|category=API Server,index=1.2.2',
        ],
      ],
    },
    {
      file: 'policyreport-v1alpha2-wg-sample-openshift-compliance.yaml',
      events: [
        [
          'medium',
          'compliance',
          'policy_violation',
          'Policy xccdf_org.ssgproject.content_rule_audit_rules_etc_group_open failed',
          { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', name: 'sample-fedramp-compliance-operator' },
          undefined,
          'openshift-compliance-operator|xccdf_org.ssgproject.content_rule_audit_rules_etc_group_open||fail|/PolicyReport/sample-fedramp-compliance-operator|scan=workers-scan,suite=fedramp-moderate',
        ],
      ],
    },
    { file: 'clusterpolicyreport-v1alpha2-generate-pass-skip-multidoc.yaml', events: [] },
    { file: 'policyreport-wgpolicyk8s-v1beta1-wg-sample-kyverno.yaml', events: [] },
    { file: 'policyreport-v1alpha2-trivy-adapter-zipkin.json', events: [] },
  ])('$file', async ({ file, events }) => {
    const r = await runInformer(kyverno, { events: loadObjects(file).map(add) });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events.map(summary)).toEqual(events);
    for (const e of r.events) expect(e.title.length).toBeLessThanOrEqual(100);
  });

  it('maps pass and skip results as info when they are selected', async () => {
    const r = await runInformer(kyverno, { config: ALL, events: loadObjects('clusterpolicyreport-v1alpha2-generate-pass-skip-multidoc.yaml').map(add) });
    expect(r.events.map(summary)).toEqual([
      [
        'info',
        'compliance',
        'policy_pass',
        'Policy generate-configmap passed',
        { apiVersion: 'v1', kind: 'Namespace', name: 'production' },
        undefined,
        'KyvernoGeneratingPolicy|generate-configmap|generate-configmap|pass|/Namespace/production|generated-resources=/v1, Kind=ConfigMap Name=zk-kafka-address Namespace=production',
      ],
      [
        'info',
        'compliance',
        'policy_skip',
        'Policy generate-configmap skipped',
        { apiVersion: 'v1', kind: 'Namespace', name: 'testing' },
        undefined,
        'KyvernoGeneratingPolicy|generate-configmap|generate-configmap|skip|/Namespace/testing|exceptions=exclude-namespace-by-name',
      ],
    ]);
    // The skip result has no message; the ClusterPolicyReport no name.
    expect(r.events[1].message).toBeUndefined();
    expect(r.events[1].details).toMatchObject({ properties: { exceptions: 'exclude-namespace-by-name' }, report: { kind: 'ClusterPolicyReport' } });
  });

  it('counts the results the config leaves out', async () => {
    const r = await runInformer(kyverno, { events: loadObjects('policyreport-v1alpha2-kyverno-pod-pass-fail.yaml').map(add) });
    expect(r.metrics['filtered_total{reason="result_pass"}']).toBe(1);
  });

  it('gives a passing check of a medium-severity policy the pass severity, not the policy severity', async () => {
    const r = await runInformer(kyverno, { config: ALL, events: loadObjects('policyreport-wgpolicyk8s-v1beta1-wg-sample-kyverno.yaml').map(add) });
    expect(r.events.map(summary)).toEqual([
      [
        'info',
        'security',
        'policy_pass',
        'Policy disallow-capabilities rule adding-capabilities passed',
        { apiVersion: 'v1', kind: 'Pod', name: 'kyverno-6d88f6dcdd-k6bc5', namespace: 'nirmata', uid: '3407b31a-b0bb-4716-a443-f4aa15662ef2' },
        '2023-03-23T10:04:54.000Z',
        'kyverno|disallow-capabilities|adding-capabilities|pass|nirmata/Pod/kyverno-6d88f6dcdd-k6bc5',
      ],
    ]);
  });

  it('maps warn results of the CIS sample with warn selected, keeping scored and properties', async () => {
    const r = await runInformer(kyverno, { config: { results: ['warn'] }, events: [add(loadObject('policyreport-v1alpha2-wg-sample-cis-k8s.yaml'))] });
    expect(r.events.map((e) => [e.severity, e.eventType, e.title])).toEqual([
      ['low', 'policy_warning', '1.2.2 warned: ensure that --anonymous-auth argument is set to false'],
      ['low', 'policy_warning', '1.2.2 warned: ensure that --token-auth-file argument is not set'],
    ]);
    expect(r.events[1].details).toMatchObject({ scored: false, properties: { category: 'API Server', index: '1.2.2' } });
  });

  it('keeps the multi-line message of the compliance-operator sample', async () => {
    const r = await runInformer(kyverno, { events: [add(loadObject('policyreport-v1alpha2-wg-sample-openshift-compliance.yaml'))] });
    expect(r.events[0].message).toMatch(/^Record Events that Modify User\/Group Information via open syscall - \/etc\/group\nCreation of groups/);
  });

  it('skips the wg-policy trivy adapter results, which carry no result value, with a counted reason', async () => {
    const r = await runInformer(kyverno, { config: ALL, events: [add(loadObject('policyreport-v1alpha2-trivy-adapter-zipkin.json'))] });
    expect(r.events).toEqual([]);
    expect(r.metrics['skipped_total{reason="missing_result"}']).toBe(14);
  });

  it('uses a result timestamp once it is no longer in the future', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(Date.parse('2029-01-01T00:00:00Z'));
    const r = await runInformer(kyverno, { events: loadObjects('openreports-reportlist-kyverno-background-scan.yaml').map(add) });
    expect(r.events[0].detectedAt).toBe('2028-08-05T01:06:37.000Z');
  });

  it('reads negative nanos (trivy adapter) arithmetically, and falls back to creationTimestamp', async () => {
    const obj = copy(loadObject('policyreport-v1alpha2-trivy-adapter-zipkin.json'));
    for (const i of [0, 2, 3]) results(obj)[i].result = 'fail';
    delete results(obj)[3].timestamp;
    const r = await runInformer(kyverno, { events: [add(obj)] });
    // Result 2: seconds 1628548814, nanos -879109096. Result 3: no timestamp.
    expect(r.events.map((e) => e.detectedAt)).toEqual(['2021-08-09T22:40:13.120Z', '2021-08-09T22:40:15.000Z']);
    expect(r.events.map((e) => e.category)).toEqual(['security', 'security']); // source Trivy
    // Result 0 has an empty policy: skipped, counted.
    expect(r.metrics['skipped_total{reason="missing_policy"}']).toBe(1);
  });
});
