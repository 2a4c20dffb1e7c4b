// create-zen-watcher-plugin as `npm create zen-watcher-plugin` runs it: the built command, with
// flags (no terminal here, so nothing may be asked). What it writes is built, tested and run by
// webhook-plugin.test.ts and informer-plugin.test.ts; this file checks the package it writes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../harness/npm-child.ts';

const CLI = join(ROOT, 'create-zen-watcher-plugin', 'dist', 'cli.js');

function create(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

interface Manifest {
  name: string;
  keywords: string[];
  exports: unknown;
  scripts: Record<string, string>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const read = (file: string) => readFileSync(file, 'utf8');
const json = <T>(file: string) => JSON.parse(read(file)) as T;

describe('create-zen-watcher-plugin', () => {
  it.each([
    ['webhook', ['src/config.ts', 'src/finding.ts', 'src/index.ts', 'src/map-finding.ts', 'test/fixtures/sample-delivery.json', 'test/plugin.test.ts']],
    ['informer', ['src/config.ts', 'src/index.ts', 'src/map-configmap.ts', 'test/fixtures/sample-configmap.json', 'test/plugin.test.ts']],
  ])('writes a %s plugin package: definePlugin, schemas, tsup, vitest, a README and a loopback dev.yaml', (kind, sources) => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-create-'));
    const r = create(cwd, '@acme/zen-watcher-plugin-backup', '--kind', kind);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const dir = join(cwd, '@acme', 'zen-watcher-plugin-backup');
    expect(filesOf(dir)).toEqual(
      ['.gitignore', 'README.md', 'dev.yaml', 'package.json', 'test/fixtures/README.md', 'tsconfig.json', 'tsup.config.ts', ...sources].sort(),
    );
    const index = read(join(dir, 'src/index.ts'));
    expect(index).toContain("name: 'backup'");
    expect(index).toContain(`kind: '${kind}'`);
    expect(index).toContain('definePlugin({');
    // The informer template does not depend on the previous version of an object.
    if (kind === 'informer') expect(index).not.toMatch(/\bold\b/);
    for (const f of filesOf(dir)) expect(read(join(dir, f)), f).not.toContain('{{');

    const dev = parseYaml(read(join(dir, 'dev.yaml'))) as { mode: string; host: string; sources: { source: string }[] };
    expect(dev).toMatchObject({ mode: 'local', host: '127.0.0.1', sources: [{ source: 'backup' }] });
    expect(read(join(dir, 'README.md'))).toMatch(/## Config\n\n\| key \| default \| \|\n\|---\|---\|---\|\n\| `/);
    expect(read(join(dir, 'tsup.config.ts'))).toContain("entry: ['src/index.ts']");
    expect(r.out).toContain(`Created @acme/zen-watcher-plugin-backup: the ${kind} plugin "backup"`);
  });

  it('writes a manifest a registry takes: ESM entry and types, keyword, the sdk and typebox as peers, tools pinned as the repository pins them', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-create-'));
    expect(create(cwd, 'backup-report', '--kind', 'webhook').code).toBe(0);
    const pkg = json<Manifest>(join(cwd, 'backup-report', 'package.json'));
    const root = json<{ devDependencies: Record<string, string> }>(join(ROOT, 'package.json'));
    const sdk = json<{ version: string; dependencies: Record<string, string> }>(join(ROOT, 'sdk', 'package.json'));
    expect(pkg.keywords).toEqual(['zen-watcher-plugin']);
    expect(pkg.exports).toEqual({ '.': { types: './dist/index.d.ts', import: './dist/index.js' } });
    expect(pkg.peerDependencies).toEqual({ '@zen-watcher/sdk': `^${sdk.version}`, typebox: `^${sdk.dependencies.typebox}` });
    expect(pkg.devDependencies).toMatchObject({
      '@zen-watcher/sdk': `^${sdk.version}`,
      '@zen-watcher/core': `^${sdk.version}`,
      typebox: sdk.dependencies.typebox,
      tsup: root.devDependencies.tsup,
      typescript: root.devDependencies.typescript,
      vitest: root.devDependencies.vitest,
      '@types/node': root.devDependencies['@types/node'],
    });
    expect(pkg.scripts).toMatchObject({ build: 'tsup', test: 'vitest run', dev: 'zen-watcher dev --plugin .' });
  });

  it('depends on the tarballs of a release folder with --packs', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-create-'));
    const packs = join(cwd, 'packs');
    mkdirSync(packs);
    const packages = [
      { name: '@zen-watcher/sdk', version: '0.3.0', file: 'zen-watcher-sdk-0.3.0.tgz' },
      { name: '@zen-watcher/core', version: '0.3.0', file: 'zen-watcher-core-0.3.0.tgz' },
    ];
    writeFileSync(join(packs, 'release.json'), JSON.stringify({ packages }));
    expect(create(cwd, 'certs', '--kind', 'informer', '--packs', packs).code).toBe(0);
    const pkg = json<Manifest>(join(cwd, 'certs', 'package.json'));
    expect(pkg.devDependencies['@zen-watcher/sdk']).toBe(`file:${join(packs, 'zen-watcher-sdk-0.3.0.tgz')}`);
    expect(pkg.devDependencies['@zen-watcher/core']).toBe(`file:${join(packs, 'zen-watcher-core-0.3.0.tgz')}`);
    expect(pkg.peerDependencies['@zen-watcher/sdk']).toBe('^0.3.0');
  });

  it.each([
    ['no --kind, and no terminal to ask in', ['certs'], /--kind webhook or --kind informer is needed when not run in a terminal/],
    ['an unknown kind', ['certs', '--kind', 'poller'], /--kind is webhook or informer, not "poller"/],
    ['a plugin name that is not kebab-case', ['certs', '--kind', 'webhook', '--plugin-name', 'Certs_2'], /"Certs_2" is not a plugin name/],
    ['a folder without release.json for --packs', ['certs', '--kind', 'webhook', '--packs', '.'], /holds no release.json: make it with npm run release:pack/],
  ])('refuses %s with the usage, exit 2', (_what, args, message) => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-create-'));
    const r = create(cwd, ...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain('usage: npm create zen-watcher-plugin');
  });

  it('leaves a folder that is not empty alone', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-create-'));
    mkdirSync(join(cwd, 'certs'));
    writeFileSync(join(cwd, 'certs', 'notes.txt'), 'mine\n');
    const r = create(cwd, 'certs', '--kind', 'webhook');
    expect(r.code).toBe(2);
    expect(r.err).toContain('exists and is not empty');
    expect(readdirSync(join(cwd, 'certs'))).toEqual(['notes.txt']);
  });
});
