import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ZenWatcherError, type Plugin } from '@zen-watcher/sdk';
import { assertApiVersion, validatePluginShape } from '@zen-watcher/sdk/host';
import { packageRoot } from '../package-root.js';
import { BUNDLED_PLUGINS } from './bundled.js';

/** A plugin the host can run, and where it came from. */
export interface LoadedPlugin {
  plugin: Plugin;
  packageName: string;
  version: string;
  origin: 'bundled' | 'discovered' | 'configured';
}

export const PLUGIN_KEYWORD = 'zen-watcher-plugin';

interface PackageJson {
  name?: string;
  version?: string;
  keywords?: unknown;
  exports?: unknown;
  module?: string;
  main?: string;
}

function readPackage(dir: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** node_modules directories the host sees: beside the working directory and above its own package. */
export function nodeModulesDirs(cwd = process.cwd()): string[] {
  const dirs = new Set<string>();
  for (let d = packageRoot(); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) dirs.add(join(d, 'node_modules'));
    if (dirname(d) === d) break;
  }
  if (existsSync(join(cwd, 'node_modules'))) dirs.add(join(cwd, 'node_modules'));
  return [...dirs];
}

/** Packages carrying the `zen-watcher-plugin` keyword in the given node_modules directories. */
export function findKeywordPackages(dirs: string[]): { name: string; dir: string }[] {
  const found = new Map<string, string>();
  for (const nm of dirs) {
    for (const entry of safeReaddir(nm)) {
      const candidates = entry.startsWith('@') ? safeReaddir(join(nm, entry)).map((e) => join(entry, e)) : [entry];
      for (const rel of candidates) {
        const dir = join(nm, rel);
        const pkg = readPackage(dir);
        if (pkg?.name && Array.isArray(pkg.keywords) && pkg.keywords.includes(PLUGIN_KEYWORD) && !found.has(pkg.name)) found.set(pkg.name, dir);
      }
    }
  }
  return [...found].map(([name, dir]) => ({ name, dir }));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((e) => !e.startsWith('.'));
  } catch {
    return [];
  }
}

/** The ESM entry of a package directory, from `exports` (import/default), `module` or `main`. */
function entryOf(dir: string, pkg: PackageJson): string {
  let e: unknown = pkg.exports;
  if (e && typeof e === 'object' && '.' in (e as object)) e = (e as Record<string, unknown>)['.'];
  while (e && typeof e === 'object') e = (e as Record<string, unknown>).import ?? (e as Record<string, unknown>).default;
  return join(dir, typeof e === 'string' ? e : (pkg.module ?? pkg.main ?? 'index.js'));
}

function locate(spec: string, dirs: string[]): string | undefined {
  if (isAbsolute(spec) || spec.startsWith('.')) {
    const dir = resolve(spec);
    return existsSync(join(dir, 'package.json')) ? dir : undefined;
  }
  return dirs.map((nm) => join(nm, spec)).find((d) => existsSync(join(d, 'package.json')));
}

function pluginFrom(mod: unknown, packageName: string): Plugin {
  const m = mod as { default?: unknown; plugin?: unknown };
  const candidate = m?.default ?? m?.plugin;
  const problems = validatePluginShape(candidate);
  if (problems.length > 0) {
    throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${packageName} does not export a plugin as default: ${problems.join('; ')}`);
  }
  assertApiVersion(candidate as Plugin, packageName);
  return candidate as Plugin;
}

async function importDir(dir: string, name: string): Promise<unknown> {
  const pkg = readPackage(dir);
  if (!pkg) throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${name}: no readable package.json in ${dir}`);
  const entry = entryOf(dir, pkg);
  if (!existsSync(entry) || !statSync(entry).isFile()) {
    throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${name}: entry ${entry} does not exist (is the package built?)`);
  }
  return import(pathToFileURL(entry).href);
}

async function guard(name: string, load: () => Promise<unknown>): Promise<Plugin> {
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
  const plugin = await guard(name, () => importDir(dir, name));
  return { plugin, packageName: name, version: plugin.version ?? readPackage(dir)?.version ?? '0.0.0', origin };
}

/**
 * Loads every plugin: the bundled ones, packages with the `zen-watcher-plugin` keyword in the
 * host's node_modules, and packages (or directories) named in config. A package that fails to
 * load, exports no valid plugin, or was built for an unknown contract version stops boot with
 * an error naming it and the cause; so do two packages claiming one plugin name.
 */
export async function discoverPlugins(options: { configured?: readonly string[]; scan?: boolean; bundled?: boolean; dirs?: string[] } = {}): Promise<Map<string, LoadedPlugin>> {
  const dirs = options.dirs ?? nodeModulesDirs();
  const plugins = new Map<string, LoadedPlugin>();
  const add = (loaded: LoadedPlugin): void => {
    const clash = plugins.get(loaded.plugin.name);
    if (clash && clash.packageName !== loaded.packageName) {
      throw new ZenWatcherError(
        ErrorCodes.PLUGIN_LOAD,
        `plugin name "${loaded.plugin.name}" is claimed by both ${clash.packageName} and ${loaded.packageName}; remove one`,
      );
    }
    if (!clash) plugins.set(loaded.plugin.name, loaded);
  };

  for (const [name, load] of Object.entries(BUNDLED_PLUGINS)) {
    if (options.bundled === false) break;
    const plugin = await guard(name, load);
    add({ plugin, packageName: name, version: plugin.version ?? readPackage(locate(name, dirs) ?? '')?.version ?? '0.0.0', origin: 'bundled' });
  }
  if (options.scan !== false) {
    for (const { name, dir } of findKeywordPackages(dirs)) {
      if (name in BUNDLED_PLUGINS) continue;
      add(await loadPackage(name, dir, 'discovered'));
    }
  }
  for (const spec of options.configured ?? []) {
    const dir = locate(spec, dirs);
    if (!dir) throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${spec} named in config was not found in ${dirs.join(', ') || 'node_modules'}`);
    const name = readPackage(dir)?.name ?? spec;
    if (name in BUNDLED_PLUGINS) continue;
    add(await loadPackage(name, dir, 'configured'));
  }
  return plugins;
}
