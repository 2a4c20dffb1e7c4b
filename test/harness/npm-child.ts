import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * The environment for a child npm: without the `npm_*` variables npm and npx set for the
 * scripts they run (`npm_config_local_prefix` would point an install at the workspace), and
 * with this process's node first on PATH so npm, and what it runs, use the Node of the tests.
 */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  return { ...env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter), NPM_CONFIG_UPDATE_NOTIFIER: 'false', ...extra };
}

/** Runs a command (npm, npx, node) in `cwd` with {@link npmEnv}; fails with its stderr. */
export async function runIn(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env: npmEnv(env), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** `npm <args>` in `cwd`. */
export function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return runIn(cwd, 'npm', args, env);
}

/** An install from local tarballs: third-party packages from npm's cache where it has them. */
export function npmInstall(cwd: string, specs: string[] = []): Promise<string> {
  return npm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...specs], cwd);
}

export interface ReleaseEntry {
  name: string;
  version: string;
  dir: string;
  file: string;
}

/** Runs the release script into `out`; returns its release.json entries. */
export async function packRelease(out: string, root = ROOT): Promise<ReleaseEntry[]> {
  await runIn(ROOT, process.execPath, [join(ROOT, 'scripts', 'pack-release.ts'), '--out', out, '--root', root]);
  return (JSON.parse(await readFile(join(out, 'release.json'), 'utf8')) as { packages: ReleaseEntry[] }).packages;
}
