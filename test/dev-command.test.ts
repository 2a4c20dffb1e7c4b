// `zen-watcher dev --plugin <dir>`, the built command, on plugin packages written here in plain
// JavaScript with a one-line build script (so that no install is needed): it builds, runs the
// host in local mode with the plugin, rebuilds and restarts on an edit, and says what a plugin
// author must know (a shadowed copy, an informer that gets nothing without a cluster).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZEN_WATCHER_BIN, ZenWatcherProcess } from './harness/zen-watcher-process.ts';
import { waitFor } from './harness/wait-for.ts';

const BUILD = "import { cpSync, mkdirSync } from 'node:fs';\nmkdirSync('dist', { recursive: true });\ncpSync('src/index.js', 'dist/index.js');\n";

function webhookSource(title: string): string {
  return `export default { apiVersion: 2, name: 'probe', kind: 'webhook', handle: (body) => [{ severity: 'low', category: 'operations', eventType: 'probe', title: \`${title} \${body.id}\`, dedupKey: String(body.id) }] };\n`;
}

const INFORMER = `export default { apiVersion: 2, name: 'probe', kind: 'informer', semantics: 'state', resources: [{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' }], onEvent: () => [] };\n`;

/** A plugin package `zw-dev-probe` in a fresh directory. */
function pluginPackage(source: string, version = '0.0.1'): string {
  const dir = mkdtempSync(join(tmpdir(), 'zw-dev-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'zw-dev-probe', version, type: 'module', keywords: ['zen-watcher-plugin'], exports: './dist/index.js', scripts: { build: 'node build.mjs' } }));
  writeFileSync(join(dir, 'build.mjs'), BUILD);
  writeFileSync(join(dir, 'src', 'index.js'), source);
  return dir;
}

let proc: ZenWatcherProcess | undefined;
afterEach(async () => {
  if (proc?.running) await proc.stop('SIGTERM');
  proc = undefined;
});

function dev(dir: string, extra: string[] = []): ZenWatcherProcess {
  const output = join(dir, 'data', 'observations.jsonl');
  return new ZenWatcherProcess({ name: 'dev-0', args: ['dev', '--plugin', dir, ...extra], cwd: dir, env: { OUTPUT_FILE: output, LOG_LEVEL: 'info' } });
}

const lastTitle = (dir: string) => JSON.parse(readFileSync(join(dir, 'data', 'observations.jsonl'), 'utf8').trim().split('\n').at(-1)!).spec.title as string;

describe('zen-watcher dev', () => {
  it('builds the plugin, serves it in local mode, and restarts with the new build after an edit', async () => {
    const dir = pluginPackage(webhookSource('first'));
    proc = dev(dir);
    await proc.start();
    await proc.ready();
    expect(await (await proc.post('/ingest/probe', { id: 'a' })).json()).toMatchObject({ created: 1 });
    expect(lastTitle(dir)).toBe('first a');
    // Loopback only: without a dev.yaml the command writes a config that says so.
    expect(proc.logged('zen-watcher ready on')[0].msg).toMatch(/http:\/\/127\.0\.0\.1:/);

    writeFileSync(join(dir, 'src', 'index.js'), webhookSource('second'));
    await waitFor('the restart', () => proc!.stderr.some((l) => l.includes('restarted the host with the new build')), { describe: () => proc!.stderr });
    await proc.ready();
    expect((await proc.post('/ingest/probe', { id: 'b' })).status).toBe(200);
    expect(lastTitle(dir)).toBe('second b');
    expect(proc.stderr.some((l) => l.includes('src/index.js changed: rebuilding'))).toBe(true);
    expect((await proc.stop('SIGTERM')).code).toBe(0);
  });

  it('keeps the last good host when a build fails', async () => {
    const dir = pluginPackage(webhookSource('good'));
    proc = dev(dir);
    await proc.start();
    await proc.ready();
    writeFileSync(join(dir, 'build.mjs'), "process.exit(3);\n");
    await waitFor('the failed build', () => proc!.stderr.some((l) => l.includes('the build failed; the host keeps running the last build')), { describe: () => proc!.stderr });
    expect((await proc.post('/ingest/probe', { id: 'c' })).status).toBe(200);
    expect(lastTitle(dir)).toBe('good c');
  });

  it('runs the directory it is given over an installed copy of the same package, and says so', async () => {
    const dir = pluginPackage(webhookSource('checkout'), '0.2.0-dev');
    // An older copy installed where the host looks for plugins (its working directory).
    const installed = join(dir, 'node_modules', 'zw-dev-probe');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'zw-dev-probe', version: '0.0.1', type: 'module', keywords: ['zen-watcher-plugin'], exports: './index.js' }));
    writeFileSync(join(installed, 'index.js'), webhookSource('installed'));
    proc = dev(dir);
    await proc.start();
    await proc.ready();
    await proc.post('/ingest/probe', { id: 'd' });
    expect(lastTitle(dir)).toBe('checkout d');
    const [warning] = proc.logged(/plugin package zw-dev-probe: the copy in/);
    expect(warning).toMatchObject({ level: 40, shadowed: installed, used: dir });
  });

  it('warns that an informer plugin receives no events in local mode', async () => {
    const dir = pluginPackage(INFORMER);
    proc = dev(dir, ['--no-watch']);
    await proc.start();
    await proc.ready();
    await waitFor('the warning', () => proc!.logged('cannot receive events in local mode').length > 0, { describe: () => proc!.logs.slice(-5) });
    expect(proc.logged('cannot receive events in local mode')[0]).toMatchObject({ level: 40, source: 'probe' });
  });

  it('needs --plugin and a package directory', () => {
    const none = spawnSync(process.execPath, [ZEN_WATCHER_BIN, 'dev'], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('usage: zen-watcher dev --plugin <dir>');
    const empty = spawnSync(process.execPath, [ZEN_WATCHER_BIN, 'dev', '--plugin', mkdtempSync(join(tmpdir(), 'zw-dev-'))], { encoding: 'utf8' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('holds no package.json');
  });
});
