import { Counter, Gauge, type Registry } from 'prom-client';
import type { PluginMetrics } from '@zen-watcher/sdk';

const NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Plugin metrics on the host's registry: prefixed `zenwatcher_plugin_`, with a `plugin` label.
 * A metric asked for twice (two instances of one plugin) is shared.
 */
export function pluginMetrics(registry: Registry, plugin: string): PluginMetrics {
  const get = <T>(name: string, labelNames: readonly string[], make: (full: string) => T): T => {
    if (!NAME.test(name)) throw new TypeError(`plugin "${plugin}": metric name ${JSON.stringify(name)} must match ${NAME}`);
    const full = `zenwatcher_plugin_${name}`;
    const existing = registry.getSingleMetric(full) as (T & { labelNames?: string[] }) | undefined;
    if (!existing) return make(full);
    // Shared by name across plugins (told apart by the plugin label), so the labels must agree.
    const want = ['plugin', ...labelNames].sort().join(',');
    const have = [...((existing as unknown as { labelNames: string[] }).labelNames ?? [])].sort().join(',');
    if (want !== have) throw new TypeError(`plugin "${plugin}": metric ${full} already exists with labels [${have}], not [${want}]`);
    return existing;
  };
  return {
    counter(name, help, labelNames = []) {
      const c = get(name, labelNames, (full) => new Counter({ name: full, help, labelNames: ['plugin', ...labelNames], registers: [registry] }));
      return { inc: (labels = {}, value = 1) => c.inc({ ...labels, plugin }, value) };
    },
    gauge(name, help, labelNames = []) {
      const g = get(name, labelNames, (full) => new Gauge({ name: full, help, labelNames: ['plugin', ...labelNames], registers: [registry] }));
      return { set: (labels, value) => g.set({ ...labels, plugin }, value) };
    },
  };
}
