import { loadConfig } from '../config/load-config.js';
import { discoverPlugins } from '../plugins/discovery.js';
import { printWarning } from './print-error.js';

/** `zen-watcher plugins [--json]`: the discovered plugins with name, kind, version and package. */
export async function listPlugins(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  const { config } = loadConfig(env);
  const plugins = [...(await discoverPlugins({ configured: config.plugins, onShadowed: (c) => printWarning(c.message) })).values()].sort((a, b) => a.plugin.name.localeCompare(b.plugin.name));
  const rows = plugins.map((p) => ({ name: p.plugin.name, kind: p.plugin.kind, version: p.version, package: p.packageName, origin: p.origin }));
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const header = { name: 'NAME', kind: 'KIND', version: 'VERSION', package: 'PACKAGE', origin: 'ORIGIN' };
  const all = [header, ...rows];
  const width = (k: keyof typeof header) => Math.max(...all.map((r) => r[k].length));
  for (const r of all) {
    process.stdout.write(`${(['name', 'kind', 'version', 'package'] as const).map((k) => r[k].padEnd(width(k))).join('  ')}  ${r.origin}\n`);
  }
  return 0;
}
