import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import trivy from '../src/index.js';
import { copy, loadObject } from './fixture-loader.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const all = { minSeverity: 'info' };

describe('trivy ConfigAuditReport', () => {
  const audit = () => loadObject('configauditreport-replicaset-nginx-doc.yaml');

  it('maps failed checks only, one compliance event per check and scope', async () => {
    const r = await runInformer(trivy, { config: all, events: [add(audit())] });
    expect(r.errors).toEqual([]);
    expect(r.events.map((e) => [e.severity, e.title, e.dedupKey])).toEqual([
      [
        'low',
        'notReadOnlyRootFilesystem: Filesystem should be read only (nginx)',
        'configaudit|default/ReplicaSet/nginx-6d4cf56db6|notReadOnlyRootFilesystem|Container/nginx',
      ],
      [
        'critical',
        'privilegeEscalationAllowed: Privilege escalation should not be allowed (nginx)',
        'configaudit|default/ReplicaSet/nginx-6d4cf56db6|privilegeEscalationAllowed|Container/nginx',
      ],
    ]);
    for (const e of r.events) {
      expect(e.category).toBe('compliance');
      expect(e.eventType).toBe('config_audit');
      expect(e.detectedAt).toBe('2021-05-20T12:38:10.000Z');
      expect(e.resource).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nginx-6d4cf56db6', namespace: 'default', uid: 'aa345200-cf24-443a-8f11-ddb438ff8659' });
    }
    expect(r.events[1].details).toMatchObject({ checkID: 'privilegeEscalationAllowed', scope: { type: 'Container', value: 'nginx' }, scanner: 'Trivy 0.74.0' });
  });

  it('applies minSeverity (default medium) to failed checks', async () => {
    const r = await runInformer(trivy, { events: [add(audit())] });
    expect(r.events.map((e) => e.details?.checkID)).toEqual(['privilegeEscalationAllowed']);
  });

  it('keys a check per container scope, and reads the newer checkID/title shape', async () => {
    const obj = copy(audit());
    const checks = (obj.report as { checks: Record<string, unknown>[] }).checks;
    checks.push({ ...checks[4], scope: { type: 'Container', value: 'sidecar' } });
    checks.push({ checkID: 'KSV001', title: 'Process can elevate its own privileges', severity: 'MEDIUM', success: false, messages: ["Container 'nginx' should set allowPrivilegeEscalation to false"] });
    const r = await runInformer(trivy, { config: all, events: [add(obj)] });
    expect(r.events.map((e) => e.dedupKey)).toContain('configaudit|default/ReplicaSet/nginx-6d4cf56db6|privilegeEscalationAllowed|Container/sidecar');
    const ksv = r.events.find((e) => e.details?.checkID === 'KSV001');
    expect(ksv?.title).toBe('KSV001: Process can elevate its own privileges');
    expect(ksv?.message).toContain("Container 'nginx' should set allowPrivilegeEscalation to false");
  });

  it('maps a ClusterConfigAuditReport about a cluster-scoped resource', async () => {
    const r = await runInformer(trivy, {
      config: { ...all, reports: ['clusterconfigaudit'] },
      events: [
        add({
          apiVersion: 'aquasecurity.github.io/v1alpha1',
          kind: 'ClusterConfigAuditReport',
          metadata: {
            name: 'clusterrole-admin',
            labels: { 'trivy-operator.resource.kind': 'ClusterRole', 'trivy-operator.resource.name': 'admin', 'trivy-operator.resource.namespace': '' },
          },
          report: { updateTimestamp: '2026-11-20T10:00:00Z', checks: [{ checkID: 'KSV046', title: 'Manage all resources', severity: 'CRITICAL', success: false }] },
        }),
      ],
    });
    expect(r.events[0].resource).toEqual({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'admin' });
    expect(r.events[0].dedupKey).toBe('configaudit|/ClusterRole/admin|KSV046|');
  });
});

describe('trivy ExposedSecretReport', () => {
  const secrets = () => loadObject('exposedsecretreport-replicaset-app-doc.yaml');

  it('maps each secret, telling apart two matches of one rule in one file', async () => {
    const r = await runInformer(trivy, { events: [add(secrets())] });
    expect(r.events).toHaveLength(2);
    expect(r.events[0].dedupKey).not.toBe(r.events[1].dedupKey);
    for (const e of r.events) {
      expect(e).toMatchObject({
        severity: 'high',
        category: 'security',
        eventType: 'exposed_secret',
        title: 'Stripe secret in /app/config/secret.yaml',
        detectedAt: '2022-06-29T14:29:37.000Z',
        resource: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'app-67b77f5965', namespace: 'default' },
      });
      expect(e.dedupKey.startsWith('secret|default/ReplicaSet/app-67b77f5965|app|stripe-access-token|/app/config/secret.yaml|')).toBe(true);
      expect(e.details).toMatchObject({ image: 'index.docker.io/myimagewithsecret:v1.2.3', container: 'app', target: '/app/config/secret.yaml' });
    }
  });

  it('keeps the matching line out of the Observation and out of the key', async () => {
    const r = await runInformer(trivy, { events: [add(secrets())] });
    const text = JSON.stringify(r.events);
    expect(text).not.toContain('secret_key');
    expect(text).not.toContain('publishable_key');
  });

  it('gives a rescan the same keys', async () => {
    const rescan = copy(secrets());
    rescan.metadata!.name = 'replicaset-app-67b77f5965-app-x';
    (rescan.report as Record<string, unknown>).updateTimestamp = '2022-07-01T00:00:00Z';
    const r = await runInformer(trivy, { events: [add(secrets()), add(rescan)] });
    expect(r.events.slice(2).map((e) => e.dedupKey)).toEqual(r.events.slice(0, 2).map((e) => e.dedupKey));
  });
});

describe('trivy affected resource', () => {
  const base = () => copy(loadObject('vulnerabilityreport-coredns-ttl-envtest-fixture.yaml'));

  it('falls back to the controller ownerReference when the labels are gone', async () => {
    const obj = base();
    obj.metadata!.labels = {};
    const r = await runInformer(trivy, { config: all, events: [add(obj)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'coredns-558bd4d5db', namespace: 'kube-system', uid: '1136b574-9f3f-49af-adaf-ba35d78ea57b' });
  });

  it('reads the workload from annotations (used for names too long for a label)', async () => {
    const obj = base();
    const labels = obj.metadata!.labels!;
    obj.metadata!.annotations = {
      'trivy-operator.resource.kind': 'Deployment',
      'trivy-operator.resource.name': 'a'.repeat(80),
      'trivy-operator.resource.namespace': 'kube-system',
    };
    delete labels['trivy-operator.resource.kind'];
    delete labels['trivy-operator.resource.name'];
    const r = await runInformer(trivy, { config: all, events: [add(obj)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'a'.repeat(80), namespace: 'kube-system' });
  });

  it('uses the report itself when it names no workload', async () => {
    const obj = base();
    obj.metadata!.labels = {};
    delete obj.metadata!.ownerReferences;
    const r = await runInformer(trivy, { config: all, events: [add(obj)] });
    expect(r.events[0].resource).toEqual({
      apiVersion: 'aquasecurity.github.io/v1alpha1',
      kind: 'VulnerabilityReport',
      name: 'replicaset-coredns-558bd4d5db-coredns',
      namespace: 'kube-system',
    });
  });

  it('takes the namespace from the labels when the report has none (TTL design doc sample)', async () => {
    const obj = copy(loadObject('vulnerabilityreport-ttl-design-doc-zero-vulns.yaml'));
    (obj.report as Record<string, unknown>).vulnerabilities = [{ vulnerabilityID: 'CVE-2024-0001', resource: 'stdlib', severity: 'HIGH' }];
    const r = await runInformer(trivy, { config: all, events: [add(obj)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'source-controller-b5d5cfdf4', namespace: 'flux-system' });
    expect(r.events[0].detectedAt).toBe('2021-12-08T12:03:48.000Z');
  });
});

describe('trivy configuration', () => {
  it.each([
    [{}, ['vulnerabilityreports', 'configauditreports', 'exposedsecretreports']],
    [{ reports: ['vulnerability'] }, ['vulnerabilityreports']],
    [{ reports: ['clusterconfigaudit', 'exposedsecret'] }, ['clusterconfigauditreports', 'exposedsecretreports']],
  ])('watches the resources selected by %j', async (config, plurals) => {
    const { resolveWithDefaults } = await import('@zen-watcher/sdk/host');
    const resolved = resolveWithDefaults(trivy.config!, config);
    if (!resolved.ok) throw new Error('config rejected');
    const resources = typeof trivy.resources === 'function' ? trivy.resources(resolved.value) : trivy.resources;
    expect(resources.map((r) => r.plural)).toEqual(plurals);
    expect(resources.every((r) => r.group === 'aquasecurity.github.io' && r.version === 'v1alpha1')).toBe(true);
    expect(resources.find((r) => r.plural === 'clusterconfigauditreports')?.namespaced ?? false).toBe(false);
  });

  it.each([
    [{ minSeverty: 'high' }, /minSeverty/],
    [{ minSeverity: 'urgent' }, /minSeverity/],
    [{ reports: [] }, /reports/],
    [{ reports: ['vulnerability', 'vulnerability'] }, /reports/],
    [{ reports: ['sbom'] }, /reports/],
    [{ maxFindingsPerReport: 0 }, /maxFindingsPerReport/],
  ])('rejects config %j', async (config, path) => {
    await expect(runInformer(trivy, { config, events: [] })).rejects.toThrow(path);
  });

  it('is a state-like informer plugin named trivy', () => {
    expect(trivy).toMatchObject({ name: 'trivy', kind: 'informer', semantics: 'state', apiVersion: 2 });
  });
});
