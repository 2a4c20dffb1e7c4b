/**
 * examples/ingesters/*.yaml must apply cleanly (strict field validation against the CRD), pass
 * the host's own Ingester check, and carry a config the plugin accepts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { GROUP, VERSION } from '@zen-watcher/sdk';
import { checkSchema, resolveWithDefaults } from '@zen-watcher/sdk/host';
import { SourceSpecSchema } from '@zen-watcher/core';
import { CHART, EXAMPLE_INGESTERS, chartValues, coalesce, isObject, listFiles, readYamlDocs, type JsonObject } from './chart-files.ts';
import { fromOpenApi, toJsonSchema } from './schema-shape.ts';

interface Ingester {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: JsonObject & { source: string; config?: JsonObject; webhook?: JsonObject };
}

const crd = readYamlDocs<{ spec: { versions: { schema: { openAPIV3Schema: JsonObject } }[] } }>(
  join(CHART, 'crds/ingesters.zen.kube-zen.io.yaml'),
)[0];
const crdValidator = Compile(toJsonSchema(fromOpenApi(crd.spec.versions[0].schema.openAPIV3Schema)) as unknown as TSchema);
const crdErrors = (obj: unknown): string[] => [...crdValidator.Errors(obj)].map((e) => `${e.instancePath || '/'}: ${e.message}`);

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

describe('the chart\'s default k8s-events Ingester', () => {
  it('has a spec the CRD and the host accept', () => {
    const extra = (chartValues().ingester as JsonObject).k8sEventsSpec;
    expect(isObject(extra)).toBe(true);
    const spec = coalesce(extra as JsonObject, { source: 'k8s-events' });
    const ingester = { apiVersion: `${GROUP}/${VERSION}`, kind: 'Ingester', metadata: { name: 'zen-watcher-k8s-events', namespace: 'zen-system' }, spec };
    expect(crdErrors(ingester)).toEqual([]);
    expect(checkSchema(SourceSpecSchema, spec)).toEqual([]);
  });
});
