import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@zen-watcher/sdk';
import { runInformer } from '@zen-watcher/sdk/testing';
import plugin from '../src/index.js';

const configMap = JSON.parse(readFileSync(new URL('./fixtures/sample-configmap.json', import.meta.url), 'utf8')) as KubeObject;

describe('{{pluginName}}', () => {
  it('turns a ConfigMap holding a finding into an event, on sync as on add', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'sync', object: configMap }, { type: 'add', object: configMap }] });
    expect(r.errors).toEqual([]);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(2);
    expect(r.events[0]).toMatchObject({
      severity: 'low',
      eventType: '{{snakeName}}_finding',
      resource: { kind: 'ConfigMap', name: 'payments-scan', namespace: 'shop' },
      dedupKey: 'shop/payments-scan/image-pull-policy-always-missing',
    });
    expect(r.events[1].dedupKey).toBe(r.events[0].dedupKey);
  });

  it('writes a finding once, however often its object is updated', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'sync', object: configMap }, { type: 'update', object: configMap }, { type: 'update', object: configMap }] });
    expect(r.events).toHaveLength(3);
    expect(r.written.map((e) => e.dedupKey)).toEqual(['shop/payments-scan/image-pull-policy-always-missing']);
  });

  it('reports nothing for a delete', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'delete', object: configMap }] });
    expect(r.events).toEqual([]);
  });

  it('skips a ConfigMap without data.finding, and counts it', async () => {
    const r = await runInformer(plugin, { events: [{ type: 'update', object: { ...configMap, data: {} } }] });
    expect(r.events).toEqual([]);
    expect(r.metrics['skipped_total{reason="no_finding"}']).toBe(1);
  });

  it('uses the configured severity when the ConfigMap gives none', async () => {
    const object = { ...configMap, data: { finding: 'x' } };
    const r = await runInformer(plugin, { config: { severity: 'high' }, events: [{ type: 'add', object }] });
    expect(r.events[0].severity).toBe('high');
  });

  it('watches only the ConfigMaps of the configured label selector', async () => {
    const r = await runInformer(plugin, { config: { labelSelector: 'team=payments' }, events: [{ type: 'add', object: configMap }] });
    // The API server would not send it: the harness skips it as the host never sees it.
    expect(r.events).toEqual([]);
    expect(r.skipped).toHaveLength(1);
  });

  it('refuses an unknown config key, naming it', async () => {
    await expect(runInformer(plugin, { config: { labelSelecter: 'x' }, events: [] })).rejects.toThrow(/labelSelecter/);
  });
});
