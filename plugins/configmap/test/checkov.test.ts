import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import configmap, { kubernetesResource } from '../src/index.js';
import { configMap, fixtureText } from './helpers.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
const DOCS = 'checkov-json-output-docs-1.0.63.json';

const k8sReport = {
  check_type: 'kubernetes',
  results: {
    passed_checks: [{ check_id: 'CKV_K8S_8', check_name: 'Liveness Probe Should be Configured', resource: 'Deployment.default.nginx' }],
    failed_checks: [
      {
        check_id: 'CKV_K8S_20',
        check_name: 'Containers should not run with allowPrivilegeEscalation',
        resource: 'Deployment.default.nginx',
        file_path: '/manifests/nginx.yaml',
        file_line_range: [1, 42],
        severity: 'HIGH',
        guideline: 'https://docs.prismacloud.io/en/enterprise-edition/policy-reference/kubernetes-policies/kubernetes-policy-index/bc-k8s-19',
        code_block: [[1, 'apiVersion: apps/v1\n']],
      },
      { check_id: 'CKV_K8S_155', check_name: 'Minimize ClusterRoles that grant control over validating or mutating admission webhook configurations', resource: 'ClusterRole.webhook-admin', file_path: '/manifests/rbac.yaml', severity: null },
      { check_id: 'CKV_K8S_21', check_name: 'The default namespace should not be used', resource: 'Ingress.shop.www.example.com', file_path: '/manifests/ingress.yaml' },
    ],
    skipped_checks: [],
    parsing_errors: [],
  },
  summary: { passed: 1, failed: 3, skipped: 0, parsing_errors: 0 },
};

describe('configmap: Checkov', () => {
  it('maps the failed check of the Checkov docs sample (Terraform) onto the ConfigMap', async () => {
    const r = await runInformer(configmap, { events: [add(configMap(fixtureText(DOCS), { name: 'checkov-results', namespace: 'checkov' }))] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events.map((e) => [e.severity, e.category, e.eventType, e.title, e.resource, e.detectedAt, e.dedupKey])).toEqual([
      [
        'medium',
        'security',
        'static_analysis',
        'CKV_AWS_21: Ensure all data stored in the S3 bucket have versioning enabled',
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'checkov-results', namespace: 'checkov' },
        '2026-11-25T03:00:00.000Z',
        'checkov||CKV_AWS_21|aws_s3_bucket.foo-bucket|/example.tf',
      ],
    ]);
    expect(r.events[0].details).toEqual({
      checkId: 'CKV_AWS_21',
      checkName: 'Ensure all data stored in the S3 bucket have versioning enabled',
      resource: 'aws_s3_bucket.foo-bucket',
      filePath: '/example.tf',
      fileLineRange: [1, 25],
      checkClass: 'checkov.terraform.checks.resource.aws.S3Versioning',
      configMap: { name: 'checkov-results', namespace: 'checkov', key: 'results.json' },
    });
    // The code block (the whole resource) is not copied.
    expect(JSON.stringify(r.events[0])).not.toContain('force_destroy');
  });

  it('maps Kubernetes findings onto the named object, in the list-of-reports form', async () => {
    const docs = JSON.parse(fixtureText(DOCS));
    const r = await runInformer(configmap, { events: [add(configMap(JSON.stringify([{ check_type: 'terraform', ...docs }, k8sReport])))] });
    expect(r.events.map((e) => [e.severity, e.resource, e.dedupKey])).toEqual([
      ['medium', { apiVersion: 'v1', kind: 'ConfigMap', name: 'kube-bench-results', namespace: 'kube-bench' }, 'checkov|terraform|CKV_AWS_21|aws_s3_bucket.foo-bucket|/example.tf'],
      ['high', { kind: 'Deployment', namespace: 'default', name: 'nginx' }, 'checkov|kubernetes|CKV_K8S_20|Deployment.default.nginx|/manifests/nginx.yaml'],
      ['medium', { kind: 'ClusterRole', name: 'webhook-admin' }, 'checkov|kubernetes|CKV_K8S_155|ClusterRole.webhook-admin|/manifests/rbac.yaml'],
      ['medium', { kind: 'Ingress', namespace: 'shop', name: 'www.example.com' }, 'checkov|kubernetes|CKV_K8S_21|Ingress.shop.www.example.com|/manifests/ingress.yaml'],
    ]);
    expect(r.events[1].message).toContain('Deployment.default.nginx in /manifests/nginx.yaml:1-42');
  });

  it.each<[string, string | undefined, unknown]>([
    ['Deployment.default.nginx', 'kubernetes', { kind: 'Deployment', namespace: 'default', name: 'nginx' }],
    ['Pod.default.web', undefined, { kind: 'Pod', namespace: 'default', name: 'web' }],
    ['ClusterRole.admin', 'helm', { kind: 'ClusterRole', name: 'admin' }],
    ['Service.shop.api.v2', 'kustomize', { kind: 'Service', namespace: 'shop', name: 'api.v2' }],
    ['aws_s3_bucket.foo-bucket', 'terraform', undefined],
    ['aws_s3_bucket.foo-bucket', undefined, undefined],
    ['Deployment.default.nginx', 'terraform', undefined],
    ['nginx', 'kubernetes', undefined],
  ])('reads resource id %s (%s) as %j', (id, checkType, expected) => {
    expect(kubernetesResource(id, checkType)).toEqual(expected);
  });

  it.each<[Record<string, unknown>, unknown, string]>([
    [{}, 'CRITICAL', 'critical'],
    [{}, 'low', 'low'],
    [{}, null, 'medium'],
    // Words of the shared scale; anything else is checkovSeverity.
    [{}, 'SEVERE', 'high'],
    [{}, 'bogus', 'medium'],
    [{ checkovSeverity: 'high' }, undefined, 'high'],
    [{ severityOverrides: { CKV_K8S_20: 'critical' } }, 'LOW', 'critical'],
  ])('with config %j a check of severity %j is %s', async (config, severity, expected) => {
    const report = { check_type: 'kubernetes', results: { failed_checks: [{ check_id: 'CKV_K8S_20', check_name: 'x', resource: 'Pod.a.b', severity }] } };
    const r = await runInformer(configmap, { config, events: [add(configMap(JSON.stringify(report)))] });
    expect(r.events.map((e) => e.severity)).toEqual([expected]);
  });

  it('keeps keys across runs that move line numbers, and tells files apart', async () => {
    const moved = structuredClone(k8sReport);
    moved.results.failed_checks[0].file_line_range = [10, 51];
    const otherFile = structuredClone(k8sReport);
    otherFile.results.failed_checks[0].file_path = '/overlays/prod/nginx.yaml';
    const r = await runInformer(configmap, { events: [k8sReport, moved, otherFile].map((report) => add(configMap(JSON.stringify(report)))) });
    const keys = r.events.filter((e) => e.details?.checkId === 'CKV_K8S_20').map((e) => e.dedupKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[0]).not.toBe(keys[2]);
  });

  it('reads results from binaryData (base64) and from a configured key and format', async () => {
    const cm = configMap('');
    cm.data = {};
    cm.binaryData = { 'checkov.json': Buffer.from(JSON.stringify(k8sReport)).toString('base64') };
    const r = await runInformer(configmap, { config: { key: 'checkov.json', format: 'checkov' }, events: [add(cm)] });
    expect(r.events).toHaveLength(3);
  });
});

describe('configmap configuration', () => {
  it('watches ConfigMaps with the configured label selector', () => {
    const resources = typeof configmap.resources === 'function' ? configmap.resources({ labelSelector: 'app=kube-bench' } as never) : configmap.resources;
    expect(resources).toEqual([{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', labelSelector: 'app=kube-bench' }]);
  });

  it.each([
    [{ labelselector: 'a=b' }, /labelselector/],
    [{ format: 'json' }, /format/],
    [{ key: '' }, /key/],
    [{ kubeBenchSeverity: { scored: 'urgent' } }, /kubeBenchSeverity/],
    [{ severityOverrides: { 'CKV_K8S_20': 'bad' } }, /severityOverrides/],
  ])('rejects config %j', async (config, path) => {
    await expect(runInformer(configmap, { config, events: [] })).rejects.toThrow(path);
  });

  it('is a state-like informer plugin named configmap', () => {
    expect(configmap).toMatchObject({ name: 'configmap', kind: 'informer', semantics: 'state', apiVersion: 2 });
  });
});
