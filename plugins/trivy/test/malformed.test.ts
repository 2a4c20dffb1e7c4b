import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import trivy from '../src/index.js';

const meta = { name: 'replicaset-web-1', namespace: 'shop', labels: { 'trivy-operator.resource.kind': 'ReplicaSet', 'trivy-operator.resource.name': 'web-1' } };
const vulnReport = (report: unknown): KubeObject => ({ apiVersion: 'aquasecurity.github.io/v1alpha1', kind: 'VulnerabilityReport', metadata: meta, report });

describe('trivy on malformed objects', () => {
  it.each<[string, unknown, string, number]>([
    ['null object', null, 'not_an_object', 1],
    ['an array', [], 'not_an_object', 1],
    ['no report', { kind: 'VulnerabilityReport', metadata: meta }, 'missing_report', 1],
    ['null report', vulnReport(null), 'missing_report', 1],
    ['report is a string', vulnReport('oops'), 'missing_report', 1],
    ['unknown kind', { kind: 'SbomReport', metadata: meta, report: { components: {} } }, 'unsupported_kind', 1],
    ['no kind and an unknown shape', { metadata: meta, report: { components: {} } }, 'unsupported_kind', 1],
    ['nothing names a resource', { kind: 'VulnerabilityReport', metadata: {}, report: { vulnerabilities: [] } }, 'no_affected_resource', 1],
    ['metadata of the wrong type', { kind: 'VulnerabilityReport', metadata: 'x', report: { vulnerabilities: [] } }, 'no_affected_resource', 1],
    ['vulnerabilities is a string', vulnReport({ vulnerabilities: 'lots' }), 'invalid_vulnerabilities', 1],
    ['vulnerabilities is an object', vulnReport({ vulnerabilities: { a: 1 } }), 'invalid_vulnerabilities', 1],
    ['entries that are not objects', vulnReport({ vulnerabilities: [null, 42, 'CVE-1'] }), 'invalid_vulnerability', 3],
    ['entries without an id', vulnReport({ vulnerabilities: [{}, { vulnerabilityID: 7 }, { vulnerabilityID: '  ' }] }), 'missing_vulnerability_id', 3],
    ['checks of the wrong type', { kind: 'ConfigAuditReport', metadata: meta, report: { checks: 'x' } }, 'invalid_checks', 1],
    ['checks without an id', { kind: 'ConfigAuditReport', metadata: meta, report: { checks: [{ success: false }, 3] } }, 'missing_check_id', 1],
    ['secrets of the wrong type', { kind: 'ExposedSecretReport', metadata: meta, report: { secrets: {} } }, 'invalid_secrets', 1],
    ['secrets without a rule', { kind: 'ExposedSecretReport', metadata: meta, report: { secrets: [{ severity: 'HIGH' }] } }, 'missing_rule_id', 1],
  ])('skips %s with a counted reason', async (_what, object, reason, count) => {
    const r = await runInformer(trivy, { config: { minSeverity: 'info' }, events: [{ type: 'add', object: object as KubeObject }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([]);
    expect(r.metrics[`skipped_total{reason="${reason}"}`]).toBe(count);
    expect(r.logs.some((l) => l.level === 'debug' && (l.obj as { reason?: string }).reason === reason)).toBe(true);
  });

  it('treats null lists as empty (Go writes a nil slice as null)', async () => {
    const r = await runInformer(trivy, { events: [{ type: 'add', object: vulnReport({ vulnerabilities: null }) }] });
    expect(r.events).toEqual([]);
    expect(r.metrics).toEqual({});
  });

  it('maps an entry whose optional fields have the wrong types, dropping those fields', async () => {
    const r = await runInformer(trivy, {
      config: { minSeverity: 'info' },
      events: [
        {
          type: 'add',
          object: vulnReport({
            updateTimestamp: 'last tuesday',
            artifact: 'nginx',
            vulnerabilities: [{ vulnerabilityID: 'CVE-2024-1', severity: 9, fixedVersion: {}, installedVersion: 3, links: 'x', score: 'high', resource: ['a'] }],
          }),
        },
      ],
    });
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ severity: 'info', title: 'CVE-2024-1 in unknown package', resource: { kind: 'ReplicaSet', name: 'web-1', namespace: 'shop' } });
    expect(r.events[0].detectedAt).toBeUndefined();
    expect(r.events[0].details).toEqual({ vulnerabilityID: 'CVE-2024-1', report: { kind: 'VulnerabilityReport', name: 'replicaset-web-1', namespace: 'shop' } });
  });

  it('bounds huge strings: title, message and details stay small', async () => {
    const huge = 'x'.repeat(1_000_000);
    const r = await runInformer(trivy, {
      config: { minSeverity: 'info' },
      events: [
        {
          type: 'add',
          object: vulnReport({
            artifact: { repository: huge },
            vulnerabilities: [{ vulnerabilityID: 'CVE-2024-2', resource: huge, title: huge, description: huge, links: Array(1000).fill(huge) }],
          }),
        },
      ],
    });
    expect(r.invalid).toEqual([]);
    const [e] = r.events;
    expect(e.title.length).toBeLessThanOrEqual(100);
    expect(e.message!.length).toBeLessThanOrEqual(2000);
    expect(JSON.stringify(e.details).length).toBeLessThan(8 * 1024);
  });

  it('caps a report with 20,000 vulnerabilities at maxFindingsPerReport and counts the rest', async () => {
    const vulnerabilities = Array.from({ length: 20_000 }, (_, i) => ({ vulnerabilityID: `CVE-2024-${i}`, resource: 'openssl', severity: i % 2 ? 'HIGH' : 'MEDIUM' }));
    const r = await runInformer(trivy, { events: [{ type: 'add', object: vulnReport({ vulnerabilities }) }] });
    expect(r.events).toHaveLength(1000);
    expect(r.events.every((e) => e.severity === 'high')).toBe(true);
    expect(r.metrics['skipped_total{reason="too_many_findings"}']).toBe(19_000);
  });
});
