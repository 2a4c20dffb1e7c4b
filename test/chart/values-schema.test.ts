/**
 * values.schema.json as Helm applies it: each case is rendered by a real `helm template` (helm
 * merges the values over the chart's and validates them against the schema), so what is refused
 * here is what `helm install` refuses.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, EXAMPLE_VALUES, isObject, listFiles, readText, readYaml, valuesSchema, type JsonObject } from './chart-files.ts';
import { valuesSchemaErrors } from './helm-chart.ts';

describe('values.schema.json', () => {
  it('is draft-07 and closed at the top level', () => {
    const schema = valuesSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
  });

  it('closes every object it defines, so a typo anywhere fails the install', () => {
    const open: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!isObject(node)) return;
      if (isObject(node.properties)) {
        if (node.additionalProperties !== false && path !== '/env[]') open.push(path || '/');
        for (const [k, v] of Object.entries(node.properties)) walk(v, `${path}/${k}`);
      }
      if (node.items) walk(node.items, `${path}[]`);
    };
    walk(valuesSchema(), '');
    expect(open).toEqual([]);
  });

  it('accepts the chart defaults', () => {
    expect(valuesSchemaErrors({})).toEqual([]);
  });

  it.each(listFiles(EXAMPLE_VALUES, '.yaml'))('accepts examples/values/%s over the defaults', (file) => {
    expect(isObject(readYaml<JsonObject>(join(EXAMPLE_VALUES, file)))).toBe(true);
    expect(valuesSchemaErrors({ files: [join(EXAMPLE_VALUES, file)] })).toEqual([]);
  });

  it.each([
    ['a typo at the top level', { replicaCont: 3 }, 'replicaCont'],
    ['a typo in a nested object', { leaderElection: { electionId: 'x' } }, 'leaderElection.electionId'],
    ['a typo in sources', { sources: { trivvy: { enabled: true } } }, 'sources.trivvy'],
    ['a typo in the alert settings', { prometheusRule: { stalenesSeconds: 30 } }, 'prometheusRule.stalenesSeconds'],
    ['an unknown leader election mode', { leaderElection: { mode: 'enabled' } }, 'leaderElection.mode'],
    ['a replica count as text', { replicaCount: 'two' }, 'replicaCount'],
    ['an unknown alert to disable', { prometheusRule: { disabled: ['ZenWatcherTypo'] } }, 'prometheusRule.disabled.0'],
    ['a namespace list with an invalid name', { watchNamespace: ['Prod_A'] }, 'watchNamespace'],
    ['a GC interval that is not a duration', { gcInterval: 'hourly' }, 'gcInterval'],
    ['an unknown log level', { logLevel: 'verbose' }, 'logLevel'],
    ['a memory limit with a typo in its key', { resources: { limits: { memroy: '1Gi' } } }, 'resources.limits.memroy'],
    ['a queue ratio above 1', { prometheusRule: { queueSaturationRatio: 1.5 } }, 'prometheusRule.queueSaturationRatio'],
  ])('refuses %s', (_what, over, path) => {
    expect(valuesSchemaErrors({ values: over as JsonObject })).toContain(path);
  });

  it.each([
    ['watchNamespace as a comma-separated string', { watchNamespace: 'prod-a,prod-b' }],
    ['watchNamespace as a list', { watchNamespace: ['prod-a', 'prod-b'] }],
    ['a GC interval in seconds', { gcInterval: 3600 }],
    ['a Go-style GC interval', { gcInterval: '1h30m' }],
    ['the PDB forced on', { podDisruptionBudget: { enabled: true } }],
    ['the guide\'s env passthrough', { env: [{ name: 'WATCH_NAMESPACE', value: 'prod-critical-app-a,prod-critical-app-b' }] }],
    ['extra plugins', { plugins: ['@acme/zen-watcher-plugin-foo'] }],
    ['a parent chart\'s globals', { global: { imageRegistry: 'registry.example' } }],
    ['a config file', { config: { sources: [{ source: 'falco' }] } }],
  ])('accepts %s', (_what, over) => {
    expect(valuesSchemaErrors({ values: over as JsonObject })).toEqual([]);
  });

  it('lets only the alerts of files/prometheus-rules.yaml be disabled', () => {
    const alerts = [...readText(join(CHART, 'files/prometheus-rules.yaml')).matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const schema = valuesSchema() as { properties: { prometheusRule: { properties: { disabled: { items: { enum: string[] } } } } } };
    expect(schema.properties.prometheusRule.properties.disabled.items.enum).toEqual(alerts);
  });
});
