/**
 * examples/ingesters/*.yaml must apply cleanly (strict field validation against the CRD), pass
 * the host's own Ingester check, and carry a config the plugin accepts; so must the Ingester the
 * chart renders (by a real `helm template`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TSchema } from 'typebox';
import { GROUP, VERSION } from '@zen-watcher/sdk';
import { checkSchema, resolveWithDefaults } from '@zen-watcher/sdk/host';
import { SourceSpecSchema } from '@zen-watcher/core';
import { EXAMPLE_INGESTERS, listFiles, readYamlDocs, type JsonObject } from './chart-files.ts';
import { crdErrors } from './crd-validator.ts';
import { only, renderChart } from './helm-chart.ts';

interface Ingester {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: JsonObject & { source: string; config?: JsonObject; webhook?: JsonObject };
}

const BUNDLED = ['falco', 'audit', 'webhook', 'trivy', 'kyverno', 'configmap', 'k8s-events'];
const files = listFiles(EXAMPLE_INGESTERS, '.yaml');

/** The bundled plugin of a source, or undefined while its package exports none. */
async function pluginOf(source: string): Promise<{ kind: string; config?: TSchema } | undefined> {
  const specifier = `@zen-watcher/plugin-${source}`;
  const mod = (await import(specifier)) as { default?: { name?: string; kind?: string; config?: TSchema } };
  return mod.default?.name === source && mod.default.kind ? { kind: mod.default.kind, config: mod.default.config } : undefined;
}

describe('examples/ingesters', () => {
  it('has one example for every bundled source', () => {
    expect(files).toEqual(BUNDLED.map((s) => `${s}.yaml`).sort());
  });

  describe.each(files)('%s', (file) => {
    const docs = readYamlDocs<Ingester>(join(EXAMPLE_INGESTERS, file));
    const ingester = docs[0];

    it('is one Ingester of its source', () => {
      expect(docs).toHaveLength(1);
      expect(ingester).toMatchObject({ apiVersion: `${GROUP}/${VERSION}`, kind: 'Ingester' });
      expect(ingester.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(ingester.spec.source).toBe(file.replace(/\.yaml$/, ''));
    });

    it('applies under the CRD schema with strict field validation', () => {
      expect(crdErrors(ingester)).toEqual([]);
    });

    it('passes the host\'s Ingester spec check', () => {
      expect(checkSchema(SourceSpecSchema, ingester.spec)).toEqual([]);
    });

    it('carries a config its plugin accepts, and a webhook section only for a webhook source', async () => {
      const plugin = await pluginOf(ingester.spec.source);
      if (!plugin) return; // the plugin package does not export its plugin yet
      if (plugin.kind === 'informer') expect(ingester.spec.webhook).toBeUndefined();
      if (plugin.config) {
        const r = resolveWithDefaults(plugin.config, ingester.spec.config ?? {});
        expect(r.ok ? [] : r.issues).toEqual([]);
      }
    });
  });
});

describe('the chart\'s default k8s-events Ingester, as helm renders it', () => {
  const render = (values: JsonObject = {}) => only(renderChart({ values }), 'Ingester') as unknown as Ingester;

  it('has a spec the CRD and the host accept', () => {
    const ingester = render();
    expect(ingester).toMatchObject({ apiVersion: `${GROUP}/${VERSION}`, metadata: { name: 'zw-zen-watcher-k8s-events', namespace: 'zen-system' }, spec: { source: 'k8s-events' } });
    expect(crdErrors(ingester)).toEqual([]);
    expect(checkSchema(SourceSpecSchema, ingester.spec)).toEqual([]);
  });

  it('merges ingester.k8sEventsSpec into it, and keeps its source k8s-events', () => {
    const ingester = render({ ingester: { k8sEventsSpec: { source: 'falco', namespaces: ['prod-a'], filters: { minSeverity: 'high' } } } });
    expect(ingester.spec).toMatchObject({ source: 'k8s-events', namespaces: ['prod-a'], filters: { minSeverity: 'high' } });
    expect(crdErrors(ingester)).toEqual([]);
  });
});
