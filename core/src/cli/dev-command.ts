import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { packageRoot } from '../package-root.js';
import { loadPackage, readPackage } from '../plugins/load-package.js';
import { formatCliError } from './print-error.js';
import { watchPackage } from './package-watch.js';

const USAGE = 'usage: zen-watcher dev --plugin <dir> [--config <file.yaml>] [--no-build] [--no-watch]';

function say(message: string): void {
  process.stderr.write(`zen-watcher dev: ${message}\n`);
}

/** `npm run build` in the plugin's directory, if it has one; its output goes to stderr, stdout stays the host's log. */
function build(dir: string): Promise<boolean> {
  const scripts = (readPackage(dir) as { scripts?: Record<string, string> } | undefined)?.scripts;
  if (!scripts?.build) return Promise.resolve(true);
  // Without the npm_* variables of an npm that runs us: they would point the child npm elsewhere.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  return new Promise((done) => {
    const child = spawn('npm', ['run', 'build', '--silent'], { cwd: dir, env, stdio: ['ignore', 2, 2] });
    child.on('error', (err) => {
      say(`cannot run npm run build: ${err.message}`);
      done(false);
    });
    child.on('exit', (code) => done(code === 0));
  });
}

/** The plugin's dev.yaml, or a local config with one source of the plugin, on loopback. */
async function configFor(dir: string, given: string | undefined): Promise<{ file: string; generated: boolean }> {
  if (given) return { file: resolve(given), generated: false };
  if (existsSync(join(dir, 'dev.yaml'))) return { file: join(dir, 'dev.yaml'), generated: false };
  const { plugin } = await loadPackage(readPackage(dir)?.name ?? dir, dir, 'configured');
  const file = join(mkdtempSync(join(tmpdir(), 'zw-dev-')), 'dev.yaml');
  writeFileSync(file, `mode: local\nhost: 127.0.0.1\nport: 8080\noutput:\n  file: ./data/observations.jsonl\nsources:\n  - source: ${plugin.name}\n`);
  say(`no dev.yaml in ${dir}: serving source ${plugin.name} with the config ${file}`);
  return { file, generated: true };
}

/**
 * The host, run by its own command in a process of its own, so that each start imports the
 * plugin afresh. It gets a process group of its own, so a Ctrl-C reaches only this command,
 * which stops the host with one SIGTERM (a second signal would skip its drain), and an IPC
 * channel, whose closing stops the host should this command die without stopping it.
 */
class HostProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(onExit: (code: number | null) => void): void {
    const child = spawn(process.execPath, [join(packageRoot(), 'dist', 'main.js'), 'run'], {
      cwd: this.dir,
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    this.child = child;
    this.exited = new Promise((done) =>
      child.once('exit', (code) => {
        if (this.child === child) {
          this.child = undefined;
          onExit(code);
        }
        done();
      }),
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(kill);
  }
}

/**
 * `zen-watcher dev --plugin <dir>`: builds the plugin, runs the host in local mode with it (the
 * directory first in PLUGINS, so it wins over an installed copy, which the host names), and on
 * every edit rebuilds and restarts the host. A failed build keeps the last good host running.
 */
export async function devCommand(env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  let opts;
  try {
    opts = parseArgs({ args, options: { plugin: { type: 'string' }, config: { type: 'string' }, 'no-build': { type: 'boolean' }, 'no-watch': { type: 'boolean' } } }).values;
  } catch (err) {
    process.stderr.write(`zen-watcher: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!opts.plugin) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = resolve(opts.plugin);
  if (!existsSync(join(dir, 'package.json'))) {
    process.stderr.write(`zen-watcher: ${dir} holds no package.json: --plugin names the plugin's package directory\n`);
    return 2;
  }
  const rebuild = () => (opts['no-build'] ? Promise.resolve(true) : build(dir));
  if (!(await rebuild())) {
    say('the build failed');
    return 1;
  }
  const config = await configFor(dir, opts.config);
  const plugins = [dir, ...(env.PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)].join(',');
  const hostEnv = { ...env, ZW_MODE: 'local', ZW_CONFIG: config.file, PLUGINS: plugins };
  // The host appends to its output file, relative to its working directory (the plugin's): not an edit.
  const output = loadConfig(hostEnv).config.output.file;
  const host = new HostProcess(dir, hostEnv);

  return new Promise<number>((finish) => {
    let watcher: { close(): void } | undefined;
    let ending = false;
    const end = async (code: number) => {
      if (ending) return;
      ending = true;
      watcher?.close();
      await host.stop();
      if (config.generated) rmSync(dirname(config.file), { recursive: true, force: true });
      finish(code);
    };
    const onExit = (code: number | null) => {
      if (opts['no-watch']) void end(code ?? 1);
      else if (!ending) say(`the host exited (${code ?? 'signal'}); waiting for a change`);
    };
    host.start(onExit);
    process.once('SIGINT', () => void end(0));
    process.once('SIGTERM', () => void end(0));
    if (opts['no-watch']) return;

    const cycle = async (file: string) => {
      say(`${file} changed: rebuilding`);
      if (!(await rebuild())) {
        say('the build failed; the host keeps running the last build');
        return;
      }
      await host.stop();
      if (!ending) host.start(onExit);
      say('restarted the host with the new build');
    };
    let building = false;
    let pending: string | undefined;
    const onChange = async (file: string) => {
      pending = file;
      if (building) return;
      building = true;
      while (pending && !ending) {
        const changed = pending;
        pending = undefined;
        await cycle(changed).catch((err: unknown) => process.stderr.write(formatCliError(err)));
      }
      building = false;
    };
    watcher = watchPackage(dir, (file) => void onChange(file), { skip: [output] });
  });
}
