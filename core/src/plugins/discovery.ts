import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ErrorCodes, ZenWatcherError } from '@zen-watcher/sdk';
import { packageRoot } from '../package-root.js';
import { BUNDLED_PLUGINS } from './bundled.js';
import { importPlugin, loadPackage, readPackage, type LoadedPlugin } from './load-package.js';

export { loadPackage, type LoadedPlugin } from './load-package.js';

export const PLUGIN_KEYWORD = 'zen-watcher-plugin';

/** A copy of a plugin package that discovery found and did not load, because another copy wins. */
export interface ShadowedCopy {
  packageName: string;
  /** Where the copy that is not loaded is: a directory, or `bundled`. */
  shadowed: string;
  /** Where the copy that is loaded is: a directory, or `bundled`. */
  used: string;
  message: string;
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

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).filter((e) => !e.startsWith('.'));
  } catch {
    return [];
  }
}

function sameDir(a: string, b: string): boolean {
  const real = (d: string) => {
    try {
      return realpathSync(d);
    } catch {
      return resolve(d);
    }
  };
  return real(a) === real(b);
}

/**
 * Packages carrying the `zen-watcher-plugin` keyword in the given node_modules directories. The
 * first copy of a name wins (the host's own tree comes first); other copies of it are `shadowed`.
 */
export function findKeywordPackages(dirs: string[]): { name: string; dir: string; version?: string; shadowed: string[] }[] {
  const found = new Map<string, { name: string; dir: string; version?: string; shadowed: string[] }>();
  for (const nm of dirs) {
    for (const entry of safeReaddir(nm)) {
      const candidates = entry.startsWith('@') ? safeReaddir(join(nm, entry)).map((e) => join(entry, e)) : [entry];
      for (const rel of candidates) {
        const dir = join(nm, rel);
        const pkg = readPackage(dir);
        if (!pkg?.name || !Array.isArray(pkg.keywords) || !pkg.keywords.includes(PLUGIN_KEYWORD)) continue;
        const first = found.get(pkg.name);
        if (!first) found.set(pkg.name, { name: pkg.name, dir, version: pkg.version, shadowed: [] });
        else if (!sameDir(first.dir, dir)) first.shadowed.push(dir);
      }
    }
  }
  return [...found.values()];
}

function locate(spec: string, dirs: string[]): string | undefined {
  if (isAbsolute(spec) || spec.startsWith('.')) {
    const dir = resolve(spec);
    return existsSync(join(dir, 'package.json')) ? dir : undefined;
  }
  return dirs.map((nm) => join(nm, spec)).find((d) => existsSync(join(d, 'package.json')));
}

export interface DiscoverOptions {
  /** Package names or directories named in config (`PLUGINS`). */
  configured?: readonly string[];
  /** Look for keyword packages in node_modules (default true). */
  scan?: boolean;
  bundled?: boolean;
  dirs?: string[];
  /** Told about every copy not loaded; by default a process warning, so none goes unsaid. */
  onShadowed?: (copy: ShadowedCopy) => void;
}

/**
 * Loads every plugin: the bundled ones, packages with the `zen-watcher-plugin` keyword in the
 * host's node_modules, and packages (or directories) named in config. A package that fails to
 * load, exports no valid plugin, or was built for an unknown contract version stops boot with
 * an error naming it and the cause; so do two packages claiming one plugin name.
 *
 * Of two copies of one package, the one named in config wins over a bundled or an installed
 * one (that is how a developer runs a checkout of a plugin), and the host's bundled copy wins
 * over an installed one; each copy left out is reported to `onShadowed`.
 */
export async function discoverPlugins(options: DiscoverOptions = {}): Promise<Map<string, LoadedPlugin>> {
  const dirs = options.dirs ?? nodeModulesDirs();
  const shadow = options.onShadowed ?? ((c: ShadowedCopy) => process.emitWarning(c.message, { code: 'ZW_PLUGIN_SHADOWED' }));
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

  const configured = (options.configured ?? []).map((spec) => {
    const dir = locate(spec, dirs);
    if (!dir) throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, `plugin package ${spec} named in config was not found in ${dirs.join(', ') || 'node_modules'}`);
    return { dir, name: readPackage(dir)?.name ?? spec };
  });
  const chosen = new Map(configured.map((c) => [c.name, c.dir]));
  const notUsed = (packageName: string, shadowed: string, used: string, why: string) =>
    shadow({ packageName, shadowed, used, message: `plugin package ${packageName}: the copy ${shadowed === 'bundled' ? 'bundled with the host' : `in ${shadowed}`} is not used; ${why}` });
  // Bundled plugins are compiled into the host and released with it: they carry its version.
  const hostVersion = readPackage(packageRoot())?.version ?? '0.0.0';

  for (const [name, load] of Object.entries(BUNDLED_PLUGINS)) {
    if (options.bundled === false) break;
    const override = chosen.get(name);
    if (override) {
      notUsed(name, 'bundled', override, `the one named in PLUGINS (${override}) is`);
      continue;
    }
    const plugin = await importPlugin(name, load);
    add({ plugin, packageName: name, version: plugin.version ?? hostVersion, origin: 'bundled' });
  }
  if (options.scan !== false) {
    for (const found of findKeywordPackages(dirs)) {
      const override = chosen.get(found.name);
      for (const dir of [found.dir, ...found.shadowed]) {
        if (override) {
          if (!sameDir(dir, override)) notUsed(found.name, dir, override, `the one named in PLUGINS (${override}) is`);
        } else if (dir !== found.dir) {
          notUsed(found.name, dir, found.dir, `the one in ${found.dir} is found first (name a directory in PLUGINS to choose)`);
        }
      }
      if (override) continue;
      if (found.name in BUNDLED_PLUGINS) {
        // The workspace links the bundled plugins' own packages: the same release, nothing to say.
        if (options.bundled !== false && found.version !== hostVersion) {
          notUsed(found.name, found.dir, 'bundled', `it is ${found.version ?? 'unversioned'}, and the host runs its bundled ${hostVersion} (name the directory in PLUGINS to run this one)`);
        }
        continue;
      }
      add(await loadPackage(found.name, found.dir, 'discovered'));
    }
  }
  for (const c of configured) add(await loadPackage(c.name, c.dir, 'configured'));
  return plugins;
}
