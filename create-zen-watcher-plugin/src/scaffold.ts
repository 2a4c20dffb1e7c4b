import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, type ScaffoldOptions } from './options.js';
import { TOOL_VERSIONS, TYPEBOX_VERSION } from './versions.js';

const TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

/** The zen-watcher release this scaffolder belongs to: they are released together. */
export function ownVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

interface ZenWatcherSpecs {
  sdk: string;
  core: string;
  /** The sdk release the plugin is built against, for its peer range. */
  sdkVersion: string;
}

/** Registry ranges of this release, or the tarballs of a release folder (release.json names them). */
function zenWatcherSpecs(options: ScaffoldOptions): ZenWatcherSpecs {
  if (!options.packs) return { sdk: `^${ownVersion()}`, core: `^${ownVersion()}`, sdkVersion: ownVersion() };
  const index = join(options.packs, 'release.json');
  if (!existsSync(index)) throw new UsageError(`${options.packs} holds no release.json: make it with npm run release:pack in a zen-watcher checkout`);
  const { packages } = JSON.parse(readFileSync(index, 'utf8')) as { packages: { name: string; version: string; file: string }[] };
  const find = (name: string) => {
    const p = packages.find((x) => x.name === name);
    if (!p) throw new UsageError(`${index} lists no ${name}`);
    // Absolute: the plugin's folder moves more often than the checkout it was made from.
    return { spec: `file:${join(options.packs!, p.file)}`, version: p.version };
  };
  const sdk = find('@zen-watcher/sdk');
  return { sdk: sdk.spec, core: find('@zen-watcher/core').spec, sdkVersion: sdk.version };
}

/**
 * The generated package.json. The sdk and typebox are peer dependencies: the host's copies are
 * the ones in use (one sdk, one typebox checking every schema), and tsup leaves them out of the
 * bundle; as devDependencies they build and test the plugin, with the host (`zen-watcher dev`).
 */
export function manifest(options: ScaffoldOptions): Record<string, unknown> {
  const zw = zenWatcherSpecs(options);
  return {
    name: options.packageName,
    version: '0.1.0',
    description: `zen-watcher source plugin: ${options.pluginName} (${options.kind})`,
    type: 'module',
    license: 'Apache-2.0',
    keywords: ['zen-watcher-plugin'],
    engines: { node: '>=22' },
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
    types: './dist/index.d.ts',
    files: ['dist', 'README.md'],
    scripts: {
      build: 'tsup',
      test: 'vitest run',
      typecheck: 'tsc',
      dev: 'zen-watcher dev --plugin .',
      prepublishOnly: 'npm run typecheck && npm test && npm run build',
    },
    peerDependencies: { '@zen-watcher/sdk': `^${zw.sdkVersion}`, typebox: `^${TYPEBOX_VERSION}` },
    devDependencies: {
      '@types/node': TOOL_VERSIONS['@types/node'],
      '@zen-watcher/core': zw.core,
      '@zen-watcher/sdk': zw.sdk,
      tsup: TOOL_VERSIONS.tsup,
      typebox: TYPEBOX_VERSION,
      typescript: TOOL_VERSIONS.typescript,
      vitest: TOOL_VERSIONS.vitest,
    },
  };
}

function templateFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templateFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)]));
}

/** `gitignore` is stored without its dot: npm leaves `.gitignore` files out of a package. */
function targetName(file: string): string {
  return file === 'gitignore' ? '.gitignore' : file;
}

/** Writes the plugin package; returns the files written, relative to its directory. */
export function scaffold(options: ScaffoldOptions): string[] {
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0) throw new UsageError(`${options.dir} exists and is not empty`);
  const values: Record<string, string> = {
    packageName: options.packageName,
    pluginName: options.pluginName,
    // eventType and metric names are snake_case.
    snakeName: options.pluginName.replaceAll('-', '_'),
  };
  const render = (text: string) => text.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m);
  const pkg = manifest(options);
  const written: string[] = [];
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(options.dir, file)), { recursive: true });
    writeFileSync(join(options.dir, file), text);
    written.push(file);
  };
  write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  for (const base of ['common', options.kind]) {
    for (const file of templateFiles(join(TEMPLATES, base))) write(targetName(file), render(readFileSync(join(TEMPLATES, base, file), 'utf8')));
  }
  return written.sort();
}
