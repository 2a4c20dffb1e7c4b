// One severity scale across sources: the same kube-bench run read as its JSON in a ConfigMap
// (configmap source) and as the wg-policy kube-bench adapter's PolicyReport (kyverno source)
// gives every check the same severity. Both fixtures are the same CIS 1.6 run on kind (36 FAIL,
// 37 PASS, 49 WARN); the kyverno one is an excerpt of its policy report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { KubeObject, SourceEvent } from '@zen-watcher/sdk';
import { readFixtureObjects, runInformer } from '@zen-watcher/sdk/testing';
import configmap from '@zen-watcher/plugin-configmap';
import kyverno from '@zen-watcher/plugin-kyverno';

const PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');
const add = (object: KubeObject) => ({ type: 'add' as const, object });

function kubeBenchConfigMap(): KubeObject {
  const results = readFileSync(join(PLUGINS, 'configmap', 'test', 'fixtures', 'kube-bench-json-real-kind-cluster-cis-1.6.json'), 'utf8');
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-bench', namespace: 'kube-bench', labels: { 'zen.kube-zen.io/scan-results': 'kube-bench' } }, data: { 'results.json': results } };
}

const byCheck = (events: readonly SourceEvent[], id: (e: SourceEvent) => unknown) => new Map(events.map((e) => [String(id(e)), e.severity]));

describe('the shared severity scale', () => {
  it('rates each kube-bench check the same through the configmap and the kyverno source', async () => {
    const viaConfigMap = await runInformer(configmap, { config: { includeWarn: true }, events: [add(kubeBenchConfigMap())] });
    const report = readFixtureObjects(join(PLUGINS, 'kyverno', 'test', 'fixtures', 'policyreport-wgpolicyk8s-v1alpha1-kube-bench-adapter-list-excerpt.yaml'), parseAllDocuments);
    const viaKyverno = await runInformer(kyverno, { config: { results: ['fail', 'warn'] }, events: report.map(add) });

    const configMapSeverity = byCheck(viaConfigMap.events, (e) => e.details?.testNumber);
    const kyvernoSeverity = byCheck(viaKyverno.events, (e) => (e.details?.properties as Record<string, unknown>).index);
    expect([...kyvernoSeverity.keys()]).toEqual(['1.1.1', '1.1.2', '1.1.3', '1.1.4', '1.1.5', '1.1.6', '1.1.7', '1.1.8', '1.1.9', '1.1.10', '1.1.11', '1.1.12', '1.2.6', '5.7.4']);
    for (const [check, severity] of kyvernoSeverity) expect([check, configMapSeverity.get(check)]).toEqual([check, severity]);
    // Scored FAILs are high, manual WARNs low, in both.
    expect(kyvernoSeverity.get('1.1.12')).toBe('high');
    expect(kyvernoSeverity.get('1.1.9')).toBe('low');
  });
});
