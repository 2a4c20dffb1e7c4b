import { readFileSync } from 'node:fs';
import type { KubeObject } from '@zen-watcher/sdk';

/** The text of a fixture file: fixtures here are the `results.json` a scan job writes. */
export function fixtureText(file: string): string {
  return readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8');
}

/**
 * A ConfigMap as a scan job leaves it: the results under `results.json`, the default label,
 * and a managedFields entry recording the write.
 */
export function configMap(results: string, overrides: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; writtenAt?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: overrides.name ?? 'kube-bench-results',
      namespace: overrides.namespace ?? 'kube-bench',
      creationTimestamp: '2026-11-01T00:00:00Z',
      labels: { 'zen.kube-zen.io/scan-results': 'kube-bench', ...overrides.labels },
      annotations: overrides.annotations,
      managedFields: [
        { manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2026-11-01T00:00:00Z' },
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', time: overrides.writtenAt ?? '2026-11-25T03:00:00Z' },
      ],
    },
    data: { 'results.json': results },
  };
}
