import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

export type PluginKind = 'webhook' | 'informer';

export interface ScaffoldOptions {
  /** Where the package is written; must not exist or be empty. */
  dir: string;
  /** The npm package name. */
  packageName: string;
  /** The plugin's name: kebab-case, the Ingester's `spec.source`. */
  pluginName: string;
  kind: PluginKind;
  /** A folder of tarballs made by the zen-watcher release script, instead of registry versions. */
  packs?: string;
}

export const USAGE = `usage: npm create zen-watcher-plugin <dir> -- [--kind webhook|informer] [--name <package-name>]
                                             [--plugin-name <name>] [--packs <dir>]

  --kind         webhook: a tool POSTs its findings to the host; informer: the host watches
                 Kubernetes objects and hands each change to the plugin (asked when omitted)
  --name         the npm package name (default: the directory's name)
  --plugin-name  the plugin's name, the Ingester's spec.source (default: the package name
                 without its scope and a zen-watcher-plugin- prefix)
  --packs        a folder made by the zen-watcher repository's release script
                 (npm run release:pack): depend on its tarballs instead of registry versions`;

/** A usage error: printed with the usage, exit code 2. */
export class UsageError extends Error {}

const PLUGIN_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The plugin name a package name suggests: `@acme/zen-watcher-plugin-backup` → `backup`. */
export function pluginNameFor(packageName: string): string {
  return packageName.replace(/^@[^/]+\//, '').replace(/^zen-watcher-plugin-/, '').replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/**
 * The options from the command line; what is missing is asked in a terminal, and is an error
 * elsewhere (CI, tests), so that nothing waits for an answer nobody can give.
 */
export async function readOptions(argv: string[], interactive = Boolean(process.stdin.isTTY)): Promise<ScaffoldOptions> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { kind: { type: 'string' }, name: { type: 'string' }, 'plugin-name': { type: 'string' }, packs: { type: 'string' } },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one directory, not ${positionals.length}: ${positionals.join(' ')}`);
  let target = positionals[0];
  if (!target && interactive) target = await ask('Directory of the new plugin package: ');
  if (!target) throw new UsageError('name the directory of the new plugin package');

  let kind = values.kind;
  if (!kind && interactive) {
    const answer = await ask('Kind: webhook (a tool POSTs findings to the host) or informer (the host watches Kubernetes objects)? [webhook] ');
    kind = answer || 'webhook';
  }
  if (!kind) throw new UsageError('--kind webhook or --kind informer is needed when not run in a terminal');
  if (kind !== 'webhook' && kind !== 'informer') throw new UsageError(`--kind is webhook or informer, not ${JSON.stringify(kind)}`);

  const dir = resolve(target);
  const packageName = values.name ?? basename(dir);
  if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(packageName) || packageName.length > 214) {
    throw new UsageError(`${JSON.stringify(packageName)} is not a valid npm package name (lower case; give one with --name)`);
  }
  const pluginName = values['plugin-name'] ?? pluginNameFor(packageName);
  if (!PLUGIN_NAME.test(pluginName) || pluginName.length > 63) {
    throw new UsageError(`${JSON.stringify(pluginName)} is not a plugin name: kebab-case (a-z, 0-9, dashes), at most 63 characters (give one with --plugin-name)`);
  }
  return { dir, packageName, pluginName, kind, packs: values.packs === undefined ? undefined : resolve(values.packs) };
}
