import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject, SourceEvent } from '@zen-watcher/sdk';
import kyverno from '../src/index.js';
import { loadObject, loadObjects } from './fixture-loader.js';

// Reports written by policy-report adapters, which put what identifies a result (the CIS check,
// the pod, the process) where Kyverno's own reports do not: in `rule`, `properties`, and
// timestamps Go left unset.

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const keyTail = (e: SourceEvent) => e.dedupKey.split('|').slice(4).join('|');

describe('the kube-bench adapter (wgpolicyk8s.io/v1alpha1, kubectl get -o yaml List)', () => {
  const report = () => loadObjects('policyreport-wgpolicyk8s-v1alpha1-kube-bench-adapter-list-excerpt.yaml');
  const CIS = { apiVersion: 'wgpolicyk8s.io/v1alpha1', kind: 'PolicyReport', name: 'cis-dummy-policy', namespace: 'default' };

  it('makes each failed CIS check its own finding, though the adapter puts only the section in `rule`', async () => {
    const r = await runInformer(kyverno, { events: report().map(add) });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    // 11 failed checks in two sections; the check id is only in properties.index.
    expect(r.events.map((e) => e.details?.properties)).toHaveLength(11);
    expect(r.events.map(keyTail)).toEqual(
      ['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.11', '1.1.12', '1.2.6'].map((i) => `default/PolicyReport/cis-dummy-policy|index=${i}`),
    );
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(11);
    expect(r.metrics['merged_total{reason="same_finding"}']).toBeUndefined();
  });

  it('maps a check field by field: the check in the title, high as a scored FAIL, the report time for Go\'s zero timestamp', async () => {
    const r = await runInformer(kyverno, { events: report().map(add) });
    expect(r.events[0]).toEqual({
      severity: 'high',
      category: 'compliance',
      eventType: 'policy_violation',
      title: '1.1.1 failed: Ensure that the API server pod specification file permissions are set to 644 or more …',
      message: 'Ensure that the API server pod specification file permissions are set to 644 or more restrictive (Automated)',
      resource: CIS,
      // Every result says { seconds: 0, nanos: 0 }: Go's unset, not 1970. The report's time is used.
      detectedAt: '2021-04-08T11:44:57.000Z',
      dedupKey: '|Master Node Security Configuration|Master Node Configuration Files|fail|default/PolicyReport/cis-dummy-policy|index=1.1.1',
      details: {
        policy: 'Master Node Security Configuration',
        rule: 'Master Node Configuration Files',
        result: 'fail',
        policyCategory: 'Master Node Configuration Files',
        scored: true,
        properties: {
          AuditConfig: '',
          AuditEnv: '',
          IsMultiple: 'false',
          actual_value: '',
          audit: "/bin/sh -c 'if test -e /etc/kubernetes/manifests/kube-apiserver.yaml; then stat -c permissions=%a /etc/kubernetes/manifests/kube-apiserver.yaml; fi'",
          expected_result: "'permissions' is present",
          index: '1.1.1',
          reason: '',
          remediation:
            'Run the below command (based on the file location on your system) on the\nmaster node.\nFor example, chmod 644 /etc/kubernetes/manifests/kube-apiserver.yaml\n',
          test_info:
            'Run the below command (based on the file location on your system) on the\nmaster node.\nFor example, chmod 644 /etc/kubernetes/manifests/kube-apiserver.yaml\n',
          type: '',
        },
        report: CIS,
      },
    });
    expect(r.events[10]).toMatchObject({ title: '1.2.6 failed: Ensure that the --kubelet-certificate-authority argument is set as appropriate (Autom…', details: { rule: 'API Server' } });
    expect(r.events.every((e) => e.detectedAt === '2021-04-08T11:44:57.000Z')).toBe(true);
  });

  it('rates the manual checks (warn, not scored) low', async () => {
    const r = await runInformer(kyverno, { config: { results: ['warn'] }, events: report().map(add) });
    expect(r.events.map((e) => [e.severity, e.eventType, keyTail(e)])).toEqual([
      ['low', 'policy_warning', 'default/PolicyReport/cis-dummy-policy|index=1.1.9'],
      ['low', 'policy_warning', 'default/PolicyReport/cis-dummy-policy|index=1.1.10'],
      ['low', 'policy_warning', 'default/PolicyReport/cis-dummy-policy|index=5.7.4'],
    ]);
  });
});

describe('the KubeArmor adapter (one result per alert)', () => {
  const report = () => loadObjects('policyreport-v1alpha2-kubearmor-adapter-list-two-pods.yaml');

  it('finds the pod in the properties, keeps two pods apart and counts the repeated alert on one of them', async () => {
    const r = await runInformer(kyverno, { events: report().map(add) });
    expect(r.events.map((e) => [e.resource, e.count, e.detectedAt])).toEqual([
      // The adapter copies the epoch seconds into nanos as well: they must not move the time.
      [{ apiVersion: 'v1', kind: 'Pod', name: 'ubuntu-1-deployment-5d6b975744-rrkhh', namespace: 'multiubuntu' }, 2, '2021-11-21T12:31:25.000Z'],
      [{ apiVersion: 'v1', kind: 'Pod', name: 'ubuntu-2-deployment-bc58cf44-sfr9s', namespace: 'multiubuntu' }, undefined, '2021-11-21T12:31:39.000Z'],
    ]);
    // Results 1 and 3 differ only in pids, container id and time: the same blocked exec, twice.
    expect(r.metrics['merged_total{reason="same_finding"}']).toBe(1);
  });

  it('maps an alert field by field', async () => {
    const r = await runInformer(kyverno, { events: report().map(add) });
    const { details, ...event } = r.events[1];
    expect(event).toEqual({
      severity: 'medium',
      category: 'security',
      eventType: 'policy_violation',
      title: 'Policy ksp-group-1-proc-path-block failed',
      message: 'block the sleep command',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'ubuntu-2-deployment-bc58cf44-sfr9s', namespace: 'multiubuntu' },
      detectedAt: '2021-11-21T12:31:39.000Z',
      // The identifying properties, past 200 characters kept as their head and a hash of the whole.
      dedupKey:
        'KubeArmor Policy Engine|ksp-group-1-proc-path-block||fail|multiubuntu/Pod/ubuntu-2-deployment-bc58cf44-sfr9s|action=Block,cluster_name=Default,container_name=ubuntu-2-container,data=syscall=SYS_EXECVE,host_name=kubearmor-dev,namespace_name=multiubuntu,operation=Process,pod_name=ubuntu-2-deployment-#2e48dac4',
    });
    expect(details).toMatchObject({
      source: 'KubeArmor Policy Engine',
      policyCategory: 'MatchedPolicy',
      resultSeverity: 'medium',
      properties: { container_name: 'ubuntu-2-container', pid: '189', updated_time: '2021-11-21T12:31:39.562887Z' },
      report: { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', name: 'kubearmor-policy-report', namespace: 'multiubuntu' },
    });
  });

  it('still tells alerts apart that differ in an identifying property (another process)', async () => {
    const [obj] = report();
    const results = obj.results as { properties: Record<string, string> }[];
    results[2].properties.resource = '/bin/sleep 2';
    const r = await runInformer(kyverno, { events: [add(obj)] });
    expect(r.events).toHaveLength(3);
    expect(r.metrics['merged_total{reason="same_finding"}']).toBeUndefined();
  });
});

describe('every served version and group', () => {
  it('reads wgpolicyk8s.io/v1alpha1, whose results carry `status:` instead of `result:` (Kyverno CLI)', async () => {
    const r = await runInformer(kyverno, {
      config: { results: ['fail', 'pass'], apis: ['wgpolicyk8s.io'], wgpolicyVersion: 'v1alpha1' },
      events: [add(loadObject('clusterpolicyreport-wgpolicyk8s-v1alpha1-kyverno-cli-status-field.yaml'))],
    });
    expect(r.events.map((e) => [e.severity, e.eventType, e.title, e.resource, e.dedupKey])).toEqual([
      ['info', 'policy_pass', 'Policy require-pod-requests-limits rule validate-resources passed', { apiVersion: 'v1', kind: 'Pod', name: 'nginx1', namespace: 'default' }, '|require-pod-requests-limits|validate-resources|pass|default/Pod/nginx1'],
      ['high', 'policy_violation', 'Policy require-pod-requests-limits rule validate-resources failed', { apiVersion: 'v1', kind: 'Pod', name: 'nginx2', namespace: 'default' }, '|require-pod-requests-limits|validate-resources|fail|default/Pod/nginx2'],
    ]);
    expect(r.events[1].message).toBe('Validation error: CPU and memory resource requests and limits are required; Validation rule validate-resources failed at path /spec/containers/0/resources/limits/');
    expect(r.metrics['skipped_total{reason="missing_result"}']).toBeUndefined();
  });

  it('reads reports.x-k8s.io/v1beta1', async () => {
    const r = await runInformer(kyverno, {
      config: { results: ['pass'], apis: ['reports.x-k8s.io'] },
      events: [add(loadObject('policyreport-reports-x-k8s-io-v1beta1-wg-sample-kyverno.yaml'))],
    });
    expect(r.events).toEqual([
      {
        severity: 'info',
        category: 'security',
        eventType: 'policy_pass',
        title: 'Policy disallow-capabilities rule adding-capabilities passed',
        message: "validation rule 'adding-capabilities' passed.",
        resource: { apiVersion: 'v1', kind: 'Pod', name: 'kyverno-6d88f6dcdd-k6bc5', namespace: 'nirmata', uid: '3407b31a-b0bb-4716-a443-f4aa15662ef2' },
        detectedAt: '2023-03-23T10:04:54.000Z',
        dedupKey: 'kyverno|disallow-capabilities|adding-capabilities|pass|nirmata/Pod/kyverno-6d88f6dcdd-k6bc5',
        details: {
          policy: 'disallow-capabilities',
          rule: 'adding-capabilities',
          result: 'pass',
          source: 'kyverno',
          policyCategory: 'Pod Security Standards (Baseline)',
          scored: true,
          resultSeverity: 'medium',
          report: { apiVersion: 'reports.x-k8s.io/v1beta1', kind: 'PolicyReport', name: 'sample-v1beta2-cr' },
        },
      },
    ]);
  });

  it.each([
    [{ apis: ['wgpolicyk8s.io'] }, 'wgpolicyk8s.io', 'v1alpha2', ['policyreports', 'clusterpolicyreports']],
    [{ apis: ['wgpolicyk8s.io'], wgpolicyVersion: 'v1alpha1' }, 'wgpolicyk8s.io', 'v1alpha1', ['policyreports', 'clusterpolicyreports']],
    [{ apis: ['wgpolicyk8s.io'], wgpolicyVersion: 'v1beta1' }, 'wgpolicyk8s.io', 'v1beta1', ['policyreports', 'clusterpolicyreports']],
    [{ apis: ['reports.x-k8s.io'] }, 'reports.x-k8s.io', 'v1beta1', ['policyreports', 'clusterpolicyreports']],
    [{ apis: ['reports.x-k8s.io'], reportsVersion: 'v1beta2' }, 'reports.x-k8s.io', 'v1beta2', ['policyreports', 'clusterpolicyreports']],
    [{ apis: ['openreports.io'] }, 'openreports.io', 'v1alpha1', ['reports', 'clusterreports']],
  ])('selects %j in the config', async (config, group, version, plurals) => {
    // Through the plugin's own config schema: defaults applied, unknown values refused.
    const r = await runInformer(kyverno, { config, events: [] });
    expect(r.errors).toEqual([]);
    const resources = typeof kyverno.resources === 'function' ? kyverno.resources(config as never) : kyverno.resources;
    expect(resources.map((w) => [w.group, w.version, w.plural, w.namespaced ?? true])).toEqual([
      [group, version, plurals[0], true],
      [group, version, plurals[1], false],
    ]);
  });
});

describe('the first draft of the API (RHACM sample)', () => {
  it('reads `status: Fail` and `data:` as result and properties', async () => {
    const r = await runInformer(kyverno, { events: [add(loadObject('policyreport-policy-kubernetes-io-v1-wg-sample-rhacm-status-data.yaml'))] });
    const { details, ...event } = r.events[0];
    expect(r.events).toHaveLength(1);
    expect(event).toEqual({
      // data.severity, like properties.severity.
      severity: 'high',
      category: 'compliance',
      eventType: 'policy_violation',
      title: 'Policy mustnothaveimagevuln failed',
      message: 'must not have imagemanifestvulns',
      resource: { apiVersion: 'secscan.quay.redhat.com/v1alpha1', kind: 'ImageManifestVuln', name: 'sha256.8d104847fc2371a983f7cb01c7c0a3ab35b7381d6bf7ce355d9b32a08c0031f0', namespace: 'openshift-cluster-version' },
      dedupKey:
        'rhacm-configuration-policy|mustnothaveimagevuln||fail|openshift-cluster-version/ImageManifestVuln/sha256.8d104847fc2371a983f7cb01c7c0a3ab35b7381d6bf7ce355d9b32a08c0031f0|categories=DE.CM Security Continuous Monitoring,controls=DE.CM-8 Vulnerability scans,standards=NIST-CSF',
    });
    expect(details).toMatchObject({ scored: false, properties: { standards: 'NIST-CSF', severity: 'high' }, report: { apiVersion: 'policy.kubernetes.io/v1', kind: 'PolicyReport', name: 'sample-rhacm-policy' } });
  });
});
