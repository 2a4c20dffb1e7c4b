import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import trivy, { watchedReports } from '../src/index.js';
import { copy, loadObject } from './fixture-loader.js';

// Every finding-bearing report kind of trivy-operator, on the samples of its documentation.

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const all = { minSeverity: 'info' };
type Json = Record<string, any>;

describe('ClusterVulnerabilityReport (control-plane and node components)', () => {
  const report = () => loadObject('clustervulnerabilityreport-k8s-cluster-doc.yaml');

  it('makes each of its 15 vulnerabilities a finding, field by field', async () => {
    const r = await runInformer(trivy, { config: { ...all, reports: ['clustervulnerability'] }, events: [add(report())] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(15);
    expect(r.events[0]).toEqual({
      severity: 'high',
      category: 'security',
      eventType: 'vulnerability',
      title: 'CVE-2021-43816 in github.com/containerd/containerd 1.5.2 (fixed in 1.5.9)',
      message:
        'CVE-2021-43816: Unprivileged pod may bind mount any privileged regular file on disk. github.com/containerd/containerd 1.5.2 in k8s.io/kubernetes:1.21.1 (container k8s-cluster). Fixed in 1.5.9. https://avd.aquasec.com/nvd/cve-2021-43816',
      // The operator labels the report with the ClusterSbomReport it scanned: that is the subject.
      resource: { apiVersion: 'aquasecurity.github.io/v1alpha1', kind: 'ClusterSbomReport', name: '584b5cdcd5', uid: '6b8a7458-696e-48fd-9aee-fd6747d25c42' },
      detectedAt: '2023-11-30T08:29:42.000Z',
      dedupKey: 'vuln|/ClusterSbomReport/584b5cdcd5|k8s-cluster|CVE-2021-43816|github.com/containerd/containerd|',
      details: {
        vulnerabilityID: 'CVE-2021-43816',
        package: 'github.com/containerd/containerd',
        installedVersion: '1.5.2',
        fixedVersion: '1.5.9',
        score: 9.1,
        trivySeverity: 'HIGH',
        title: 'Unprivileged pod may bind mount any privileged regular file on disk',
        primaryLink: 'https://avd.aquasec.com/nvd/cve-2021-43816',
        image: 'k8s.io/kubernetes:1.21.1',
        container: 'k8s-cluster',
        publishedDate: '2022-01-05T19:15:00Z',
        scanner: 'Trivy 0.73.0',
        report: { kind: 'ClusterVulnerabilityReport', name: 'clustersbomreport-584b5cdcd5-k8s-cluster' },
      },
    });
    expect(r.events.map((e) => e.details?.vulnerabilityID)).toEqual([
      'CVE-2021-43816', 'CVE-2022-23648', 'CVE-2021-32760', 'CVE-2021-41103', 'CVE-2022-23471', 'CVE-2022-31030', 'CVE-2023-25153', 'CVE-2023-25173',
      'GHSA-5j5w-g665-5m35', 'CVE-2022-3162', 'CVE-2023-2727', 'CVE-2023-2728', 'CVE-2021-25741', 'CVE-2021-25749', 'CVE-2023-2431',
    ]);
    // Trivy's severity word decides, not the score: CVE-2021-41103 scores 7.8 and is MEDIUM.
    expect(r.events[3]).toMatchObject({ severity: 'medium', details: { score: 7.8, trivySeverity: 'MEDIUM' } });
  });

  it('applies minSeverity: the two LOW ones are left out by default', async () => {
    const r = await runInformer(trivy, { events: [add(report())] });
    expect(r.events).toHaveLength(13);
    expect(r.metrics['filtered_total{reason="below_min_severity"}']).toBe(2);
  });
});

describe('RbacAssessmentReport and ClusterRbacAssessmentReport', () => {
  it('makes the failed check of a Role a security finding on the Role', async () => {
    const r = await runInformer(trivy, { config: { reports: ['rbacassessment'] }, events: [add(loadObject('rbacassessmentreport-role-token-cleaner-doc.yaml'))] });
    expect(r.events).toEqual([
      {
        severity: 'critical',
        category: 'security',
        eventType: 'rbac_assessment',
        title: 'KSV041: Do not allow management of secrets',
        message: 'KSV041: Do not allow management of secrets. Role permits management of secret(s) Check whether role permits managing secrets',
        // The label carries only a hash of the long name; the owner reference names the Role.
        resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'system:controller:token-cleaner', namespace: 'kube-system', uid: '44c6229b-d410-4bc5-9529-fff41de39d03' },
        // updateTimestamp is null: the report's creation time.
        detectedAt: '2022-07-04T07:23:07.000Z',
        dedupKey: 'rbac|kube-system/Role/system:controller:token-cleaner|KSV041|',
        details: {
          checkID: 'KSV041',
          title: 'Do not allow management of secrets',
          checkCategory: 'Kubernetes Security Check',
          trivySeverity: 'CRITICAL',
          messages: ['Role permits management of secret(s)'],
          scanner: 'Trivy 0.10.0-rc3',
          report: { kind: 'RbacAssessmentReport', name: 'role-868458b9d6', namespace: 'kube-system' },
        },
      },
    ]);
  });

  it('maps the cluster kind alike, on the ClusterRole', async () => {
    // No public ClusterRbacAssessmentReport sample was found: the Role sample as the operator
    // would write it for a ClusterRole (cluster-scoped, owned by the ClusterRole).
    const obj = copy(loadObject('rbacassessmentreport-role-token-cleaner-doc.yaml')) as Json;
    obj.kind = 'ClusterRbacAssessmentReport';
    delete obj.metadata.namespace;
    obj.metadata.labels = { 'trivy-operator.resource.kind': 'ClusterRole', 'trivy-operator.resource.name': 'admin' };
    obj.metadata.ownerReferences = [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin', uid: 'u1', controller: true }];
    const r = await runInformer(trivy, { config: { reports: ['clusterrbacassessment'] }, events: [add(obj)] });
    expect(r.events.map((e) => [e.eventType, e.category, e.resource, e.dedupKey])).toEqual([
      ['rbac_assessment', 'security', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin', uid: 'u1' }, 'rbac|/ClusterRole/admin|KSV041|'],
    ]);
  });
});

describe('InfraAssessmentReport and ClusterInfraAssessmentReport', () => {
  const report = () => loadObject('infraassessmentreport-pod-kube-apiserver-minikube-doc.yaml');

  it('makes each failed control-plane check a compliance finding on the component', async () => {
    const r = await runInformer(trivy, { config: { ...all, reports: ['infraassessment'] }, events: [add(report())] });
    expect(r.events.map((e) => [e.severity, e.details?.checkID])).toEqual([
      ['low', 'KCV0020'], ['low', 'KCV0010'], ['low', 'KCV0013'], ['low', 'KCV0006'], ['low', 'KCV0019'], ['low', 'KCV0021'],
      ['low', 'KCV0022'], ['low', 'KCV0018'], ['low', 'KCV0028'], ['medium', 'KCV0001'], ['low', 'KCV0029'],
    ]);
    expect(r.events[9]).toEqual({
      severity: 'medium',
      category: 'compliance',
      eventType: 'infra_assessment',
      title: 'KCV0001: Ensure that the --anonymous-auth argument is set to false',
      message: 'KCV0001: Ensure that the --anonymous-auth argument is set to false. Disable anonymous requests to the API server.',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'kube-apiserver-minikube', namespace: 'kube-system', uid: '60587bf5-1b24-4167-8b77-fe7fa42c0216' },
      detectedAt: '2022-11-08T16:27:08.000Z',
      dedupKey: 'infra|kube-system/Pod/kube-apiserver-minikube|KCV0001|',
      details: {
        checkID: 'KCV0001',
        title: 'Ensure that the --anonymous-auth argument is set to false',
        checkCategory: 'Kubernetes Security Check',
        trivySeverity: 'MEDIUM',
        messages: ['Ensure that the --anonymous-auth argument is set to false'],
        scanner: 'Trivy 0.62.1',
        report: { kind: 'InfraAssessmentReport', name: 'pod-kube-apiserver-minikube', namespace: 'kube-system' },
      },
    });
  });

  it('maps the cluster kind alike, on the Node', async () => {
    // No public ClusterInfraAssessmentReport sample was found: the Pod sample rewritten for a node.
    const obj = copy(report()) as Json;
    obj.kind = 'ClusterInfraAssessmentReport';
    delete obj.metadata.namespace;
    obj.metadata.labels = { 'trivy-operator.resource.kind': 'Node', 'trivy-operator.resource.name': 'minikube' };
    obj.metadata.ownerReferences = [];
    const r = await runInformer(trivy, { config: { reports: ['clusterinfraassessment'] }, events: [add(obj)] });
    expect(r.events.map((e) => [e.eventType, e.resource, e.dedupKey])).toEqual([['infra_assessment', { apiVersion: 'v1', kind: 'Node', name: 'minikube' }, 'infra|/Node/minikube|KCV0001|']]);
  });
});

describe('ClusterComplianceReport (summary format)', () => {
  const report = () => loadObject('clustercompliancereport-nsa-summary-doc.yaml');

  it('makes each failing control a finding on the report; passing and manual controls are not', async () => {
    const r = await runInformer(trivy, { config: { ...all, reports: ['clustercompliance'] }, events: [add(report())] });
    expect(r.events.map((e) => [e.severity, e.details?.controlId, e.details?.totalFail])).toEqual([
      ['medium', '1.0', 8], ['low', '1.1', 7], ['high', '1.2', 1], ['high', '1.4', 6], ['medium', '1.7', 7], ['medium', '1.9', 8],
      ['low', '1.10', 8], ['medium', '1.12', 4], ['critical', '6.1', 1], ['critical', '7.0', 1], ['medium', '8.1', 1], ['medium', '8.2', 1],
    ]);
    // 3.0, 5.0, 6.0 and 8.0 are manual: Trivy cannot tell, so they carry no totalFail.
    expect(r.metrics['filtered_total{reason="manual_control"}']).toBe(4);
    expect(r.events[0]).toEqual({
      severity: 'medium',
      category: 'compliance',
      eventType: 'compliance_control_failed',
      title: 'nsa 1.0 failed: Non-root containers',
      message: '8 resources fail control 1.0 (Non-root containers) of nsa. Check that container is not running as root. Checks: AVD-KSV-0012.',
      resource: { apiVersion: 'aquasecurity.github.io/v1alpha1', kind: 'ClusterComplianceReport', name: 'nsa' },
      detectedAt: '2022-12-05T12:21:30.000Z',
      dedupKey: 'compliance|/ClusterComplianceReport/nsa|0001|1.0',
      details: {
        controlId: '1.0',
        control: 'Non-root containers',
        totalFail: 8,
        trivySeverity: 'MEDIUM',
        compliance: { id: '0001', title: 'nsa', version: '1.0' },
        checks: ['AVD-KSV-0012'],
        report: { kind: 'ClusterComplianceReport', name: 'nsa' },
      },
    });
  });

  it('keeps a control one finding as its fail count changes', async () => {
    const next = copy(report()) as Json;
    next.status.summaryReport.controlCheck[0].totalFail = 9;
    const r = await runInformer(trivy, { config: { reports: ['clustercompliance'] }, events: [add(report()), add(next)] });
    const keys = r.events.filter((e) => e.details?.controlId === '1.0').map((e) => e.dedupKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('counts the detailed format, which it does not read', async () => {
    const detailed = copy(report()) as Json;
    detailed.status = { detailReport: { id: '0001', results: [] } };
    const r = await runInformer(trivy, { config: { reports: ['clustercompliance'] }, events: [add(detailed)] });
    expect(r.events).toEqual([]);
    expect(r.metrics['skipped_total{reason="no_summary_report"}']).toBe(1);
  });
});

describe('a report kind the plugin does not map', () => {
  it('is counted each time and logged at warn once per kind', async () => {
    const sbom = (name: string) => ({ apiVersion: 'aquasecurity.github.io/v1alpha1', kind: 'SbomReport', metadata: { name, namespace: 'shop' }, report: { components: {} } });
    const r = await runInformer(trivy, { events: [add(sbom('a')), add(sbom('b')), add({ ...sbom('c'), kind: 'ClusterSbomReport' })] });
    expect(r.events).toEqual([]);
    expect(r.metrics['skipped_total{reason="unsupported_kind"}']).toBe(3);
    const warns = r.logs.filter((l) => l.level === 'warn');
    expect(warns.map((l) => (l.obj as { kind?: string } | undefined)?.kind)).toEqual(['SbomReport', 'ClusterSbomReport']);
    expect(warns[0].msg).toContain('does not map SbomReport reports');
  });
});

describe('config.reports', () => {
  it('selects every kind, cluster-scoped ones as such', () => {
    const names = ['vulnerability', 'clustervulnerability', 'configaudit', 'clusterconfigaudit', 'exposedsecret', 'rbacassessment', 'clusterrbacassessment', 'infraassessment', 'clusterinfraassessment', 'clustercompliance'] as const;
    expect(watchedReports({ reports: [...names] }).map((w) => `${w.plural}${w.namespaced === false ? ' (cluster)' : ''}`)).toEqual([
      'vulnerabilityreports',
      'clustervulnerabilityreports (cluster)',
      'configauditreports',
      'clusterconfigauditreports (cluster)',
      'exposedsecretreports',
      'rbacassessmentreports',
      'clusterrbacassessmentreports (cluster)',
      'infraassessmentreports',
      'clusterinfraassessmentreports (cluster)',
      'clustercompliancereports (cluster)',
    ]);
  });
});
