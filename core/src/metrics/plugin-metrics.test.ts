import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { pluginMetrics } from './plugin-metrics.js';

describe('plugin metrics', () => {
  it('prefixes names, adds the plugin label, and shares a metric between plugins', async () => {
    const registry = new Registry();
    pluginMetrics(registry, 'falco').counter('dropped_total', 'drops', ['reason']).inc({ reason: 'x' });
    pluginMetrics(registry, 'audit').counter('dropped_total', 'drops', ['reason']).inc({ reason: 'x' }, 2);
    const text = await registry.metrics();
    expect(text).toContain('zenwatcher_plugin_dropped_total{reason="x",plugin="falco"} 1');
    expect(text).toContain('zenwatcher_plugin_dropped_total{reason="x",plugin="audit"} 2');
  });

  it('refuses the same name with other labels, naming the plugin and the labels', () => {
    const registry = new Registry();
    pluginMetrics(registry, 'falco').counter('dropped_total', 'drops', ['reason']);
    expect(() => pluginMetrics(registry, 'mine').counter('dropped_total', 'drops', ['why'])).toThrow(/plugin "mine".*\[plugin,reason\].*\[plugin,why\]/);
    expect(() => pluginMetrics(registry, 'mine').counter('Bad-Name', 'x')).toThrow(/must match/);
  });
});
