import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { npm, npmInstall, packRelease, runIn, type ReleaseEntry } from '../harness/npm-child.ts';

/** A plugin package written by the packed scaffolder, against the tarballs of this checkout. */
export interface GeneratedPlugin {
  /** The temporary folder holding everything; removed by {@link GeneratedPlugin.remove}. */
  work: string;
  packs: string;
  release: ReleaseEntry[];
  /** The plugin package's directory. */
  dir: string;
  timings: Record<string, number>;
  /** The path of the tarball of one released package. */
  tarball(name: string): string;
  remove(): Promise<void>;
}

async function timed<T>(timings: Record<string, number>, label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[label] = Math.round(performance.now() - t0);
  }
}

/**
 * What a plugin author does with a checkout: the release script makes the tarballs (nothing is
 * built here: `npm test` builds first), `npm exec` runs the packed scaffolder as `npm create`
 * would, and the generated package is installed (its sdk and core from the tarballs).
 */
export async function generatePlugin(kind: 'webhook' | 'informer', name: string): Promise<GeneratedPlugin> {
  const timings: Record<string, number> = {};
  const work = await mkdtemp(join(tmpdir(), `zw-${kind}-plugin-`));
  const packs = join(work, 'packs');
  const release = await timed(timings, 'release', () => packRelease(packs));
  const tarball = (pkg: string) => {
    const entry = release.find((r) => r.name === pkg);
    if (!entry) throw new Error(`the release has no ${pkg}`);
    return join(packs, entry.file);
  };
  await timed(timings, 'create', () =>
    runIn(work, 'npm', ['exec', '--yes', `--package=${tarball('create-zen-watcher-plugin')}`, '--', 'create-zen-watcher-plugin', name, '--kind', kind, '--packs', packs]),
  );
  const dir = join(work, name);
  await timed(timings, 'install', () => npmInstall(dir));
  return { work, packs, release, dir, timings, tarball, remove: () => rm(work, { recursive: true, force: true }) };
}

/** Runs a script of the generated package, timed. */
export function runScript(plugin: GeneratedPlugin, script: string): Promise<string> {
  return timed(plugin.timings, script, () => npm(['run', script], plugin.dir));
}

/** A fresh folder with the host and the sdk installed from the release, and the given tarballs. */
export async function hostInstall(plugin: GeneratedPlugin, tarballs: string[]): Promise<string> {
  const app = join(plugin.work, 'app');
  await mkdir(app);
  await runIn(app, 'npm', ['init', '--yes', '--loglevel=error']);
  await timed(plugin.timings, 'host-install', () => npmInstall(app, [plugin.tarball('@zen-watcher/sdk'), plugin.tarball('@zen-watcher/core'), ...tarballs]));
  return app;
}

/**
 * Generates the plugin before the file's tests and removes it after them, printing the time
 * each step took; the returned function gives the plugin to the tests.
 */
export function useGeneratedPlugin(kind: 'webhook' | 'informer', name: string): () => GeneratedPlugin {
  let plugin: GeneratedPlugin | undefined;
  beforeAll(async () => {
    plugin = await generatePlugin(kind, name);
  }, 300_000);
  afterAll(async () => {
    if (!plugin) return;
    console.info(`[${kind}-plugin] timings (ms): ${JSON.stringify(plugin.timings)}`);
    await plugin.remove();
  });
  return () => {
    if (!plugin) throw new Error('the plugin was not generated');
    return plugin;
  };
}
