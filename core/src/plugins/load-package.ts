import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ZenWatcherError, type Plugin } from '@zen-watcher/sdk';
import { assertApiVersion, validatePluginShape } from '@zen-watcher/sdk/host';

/** A plugin the host can run, and where it came from. */
export interface LoadedPlugin {
  plugin: Plugin;
  packageName: string;
  version: string;
  origin: 'bundled' | 'discovered' | 'configured';
}

export interface PackageJson {
  name?: string;
  version?: string;
  keywords?: unknown;
  exports?: unknown;
  module?: string;
  main?: string;
}

export function readPackage(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The ESM entry of a package directory, from `exports` (import/default), `module` or `main`. */
function entryOf(dir: string, pkg: PackageJson): string {
  let e: unknown = pkg.exports;
  if (e && typeof e === 'object' && '.' in (e as object)) e = (e as Record<string, unknown>)['.'];
  while (e && typeof e === 'object') e = (e as Record<string, unknown>).import ?? (e as Record<string, unknown>).default;
  return join(dir, typeof e === 'string' ? e : (pkg.module ?? pkg.main ?? 'index.js'));
}

/** An export that is a plugin made by `definePlugin` (or stamped by hand): shape and apiVersion. */
function looksLikePlugin(value: unknown): value is Plugin {
  return typeof (value as { apiVersion?: unknown })?.apiVersion === 'number' && validatePluginShape(value).length === 0;
}

function refuse(message: string): never {
  throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, message);
}

/**
 * The one plugin of a package's module. A package holds one plugin, its default export (or a
 * named export `plugin`): the package's name, version and keyword describe that plugin, and an
 * operator installs and upgrades it alone. A module offering several is refused by name, rather
 * than one of them being run and the others silently not.
 */
export function pluginFrom(mod: unknown, packageName: string): Plugin {
  const m = (mod ?? {}) as Record<string, unknown>;
  const ONE = 'a package holds one plugin: publish each as a package of its own';
  if (Array.isArray(m.default)) refuse(`plugin package ${packageName} exports a list as its default export; ${ONE}`);
  const plugins = new Map<Plugin, string[]>();
  for (const [key, value] of Object.entries(m)) if (looksLikePlugin(value)) plugins.set(value, [...(plugins.get(value) ?? []), key]);
  if (plugins.size > 1) {
    const listed = [...plugins].map(([p, keys]) => `${keys.join('/')}: "${p.name}"`).join(', ');
    refuse(`plugin package ${packageName} exports ${plugins.size} plugins (${listed}); ${ONE}`);
  }
  const candidate = m.default ?? m.plugin;
  const problems = validatePluginShape(candidate);
  if (problems.length > 0) refuse(`plugin package ${packageName} does not export a plugin as default: ${problems.join('; ')}`);
  assertApiVersion(candidate as Plugin, packageName);
  return candidate as Plugin;
}

async function importDir(dir: string, name: string): Promise<unknown> {
  const pkg = readPackage(dir);
  if (!pkg) refuse(`plugin package ${name}: no readable package.json in ${dir}`);
  const entry = entryOf(dir, pkg);
  if (!existsSync(entry) || !statSync(entry).isFile()) refuse(`plugin package ${name}: entry ${entry} does not exist (is the package built?)`);
  return import(pathToFileURL(entry).href);
}

/** Imports a module and takes its plugin; a failed import becomes PLUGIN_LOAD naming the package. */
export async function importPlugin(name: string, load: () => Promise<unknown>): Promise<Plugin> {
  let mod: unknown;
  try {
    mod = await load();
  } catch (err) {
    if (err instanceof ZenWatcherError) throw err;
    throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${name} failed to load: ${(err as Error).message}`, { cause: err });
  }
  return pluginFrom(mod, name);
}

/** Imports one plugin package from its directory and checks what it exports. */
export async function loadPackage(name: string, dir: string, origin: LoadedPlugin['origin']): Promise<LoadedPlugin> {
  const plugin = await importPlugin(name, () => importDir(dir, name));
  return { plugin, packageName: name, version: plugin.version ?? readPackage(dir)?.version ?? '0.0.0', origin };
}
