/**
 * Packs every publishable package of the workspace, in dependency order, into one folder: the
 * tarballs a release publishes, and what a plugin author installs from a checkout before (or
 * instead of) a release on the registry.
 *
 *   npm run build && npm run release:pack [-- --out <dir>]     (default <repo>/.release/)
 *
 * It refuses to pack when an internal dependency does not match its sibling's version, when an
 * entry file is not built, or when a package would ship a test, a test helper, a fixture or a
 * build cache. Each package is packed from a staged copy of exactly what `npm pack` would take,
 * its manifest without the workspace-only `@zen-watcher/source` export condition. The folder
 * gets `release.json`: the packages in order, with their tarballs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dependencyOrder, publishablePackages, publishedManifest, releaseProblems, unpublishable, type WorkspacePackage } from './release/workspace.ts';

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: { path: string }[];
}

/** npm pack, without the npm_* variables of an npm that runs this script (they would redirect it). */
function pack(args: string[], cwd: string): PackResult[] {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));
  const stdout = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--loglevel=error', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as PackResult[];
}

function fail(problems: string[]): never {
  process.stderr.write(`pack-release: nothing packed:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}

function stage(root: string, packages: WorkspacePackage[], into: string): string[] {
  const listed = pack(['--dry-run', ...packages.map((p) => `./${p.dir}`)], root);
  const problems = listed.flatMap((l, i) => unpublishable(l.files.map((f) => f.path)).map((f) => `${packages[i].manifest.name} would publish ${packages[i].dir}/${f}`));
  if (problems.length > 0) fail(problems);
  return packages.map((pkg, i) => {
    const dir = join(into, String(i).padStart(2, '0'));
    for (const { path } of listed[i].files) {
      if (path === 'package.json') continue;
      mkdirSync(join(dir, path, '..'), { recursive: true });
      cpSync(join(root, pkg.dir, path), join(dir, path));
    }
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(publishedManifest(pkg.manifest), null, 2)}\n`);
    return dir;
  });
}

const { values } = parseArgs({ options: { out: { type: 'string' }, root: { type: 'string' } } });
const root = resolve(values.root ?? join(import.meta.dirname, '..'));
const out = resolve(values.out ?? join(root, '.release'));

const packages = dependencyOrder(publishablePackages(root));
const problems = releaseProblems(root, packages);
if (problems.length > 0) fail(problems);

const staging = mkdtempSync(join(tmpdir(), 'zw-release-'));
try {
  const staged = stage(root, packages, staging);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const packed = pack(['--pack-destination', out, ...staged.map((d) => `./${relative(staging, d)}`)], staging);
  const release = packed.map((p, i) => ({ name: p.name, version: p.version, dir: packages[i].dir, file: p.filename }));
  writeFileSync(join(out, 'release.json'), `${JSON.stringify({ packages: release }, null, 2)}\n`);

  const file = (name: string) => join(out, release.find((r) => r.name === name)?.file ?? `${name}.tgz`);
  const lines = [
    `packed ${release.length} packages into ${out}, in dependency order (release.json):`,
    ...release.map((r) => `  ${`${r.name}@${r.version}`.padEnd(44)} ${r.file}`),
    '',
    'develop a plugin against this checkout:',
    `  npx --yes --package ${file('create-zen-watcher-plugin')} create-zen-watcher-plugin my-plugin --packs ${out}`,
    'or add the host and the sdk to a package (core carries the bundled plugins, no overrides needed):',
    `  npm install -D ${file('@zen-watcher/sdk')} ${file('@zen-watcher/core')}`,
    'publish, in this order:',
    `  cd ${out} && for f in ${release.map((r) => r.file).join(' ')}; do npm publish "$f"; done`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(staging, { recursive: true, force: true });
}
