// The release script (scripts/pack-release.ts): what it packs, in which order, and what it
// refuses to pack. On the repository itself (built by `npm test`'s pretest), and on small
// workspaces made here for each refusal.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packRelease, ROOT, runIn, type ReleaseEntry } from '../harness/npm-child.ts';

function temp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The files of a tarball, and its package.json. */
function tarball(file: string): { files: string[]; manifest: Record<string, unknown> } {
  const files = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' })) as Record<string, unknown>;
  return { files, manifest };
}

describe('the release script on this repository', () => {
  let out: string;
  let release: ReleaseEntry[];
  beforeAll(async () => {
    out = temp('zw-release-');
    release = await packRelease(out);
  }, 120_000);

  it('packs every package, each after the packages it depends on', () => {
    const names = release.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['@zen-watcher/sdk', '@zen-watcher/core', '@zen-watcher/plugin-falco', 'zen-watcher-plugin-cert-manager', 'create-zen-watcher-plugin']));
    expect(names).toHaveLength(11);
    for (const r of release) {
      const { manifest } = tarball(join(out, r.file));
      const deps = ['dependencies', 'peerDependencies', 'devDependencies'].flatMap((f) => Object.keys((manifest[f] as Record<string, string>) ?? {}));
      for (const dep of deps.filter((d) => names.includes(d))) expect(names.indexOf(dep), `${dep} before ${r.name}`).toBeLessThan(names.indexOf(r.name));
    }
  });

  it('ships no test, test helper, fixture or build cache, and a README and LICENSE in each package', () => {
    const licence = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    for (const r of release) {
      const { files } = tarball(join(out, r.file));
      const shipped = r.name === 'create-zen-watcher-plugin' ? files.filter((f) => !f.startsWith('templates/')) : files;
      expect(shipped.filter((f) => /(^|\/)(test|tests|test-support|fixtures)\/|\.test\.|\.tsbuildinfo$|^src\//.test(f)), r.name).toEqual([]);
      expect(files, r.name).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
      expect(execFileSync('tar', ['-xzOf', join(out, r.file), 'package/LICENSE'], { encoding: 'utf8' }), r.name).toBe(licence);
    }
  });

  it('publishes manifests without the workspace-only source condition', () => {
    for (const r of release) expect(JSON.stringify(tarball(join(out, r.file)).manifest), r.name).not.toContain('@zen-watcher/source');
  });

  it('gives core the bundled plugins in its dist, not as dependencies: its tarball needs only the sdk beside the registry', () => {
    const { files, manifest } = tarball(join(out, release.find((r) => r.name === '@zen-watcher/core')!.file));
    const internal = Object.keys(manifest.dependencies as Record<string, string>).filter((d) => d.startsWith('@zen-watcher/'));
    expect(internal).toEqual(['@zen-watcher/sdk']);
    expect(files).toEqual(expect.arrayContaining(['dist/main.js', 'dist/index.js', 'config/local.yaml', 'crds/ingesters.zen.kube-zen.io.yaml']));
  });
});

/** A workspace of two packages, b depending on a; `edit` changes it before the script runs. */
function workspace(edit: (root: string) => void = () => undefined): string {
  const root = temp('zw-release-ws-');
  const write = (file: string, content: unknown) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  write('package.json', { name: 'ws', private: true, workspaces: ['pkgs/*'] });
  const pkg = (name: string, deps: Record<string, string>) => ({
    name,
    version: '1.0.0',
    type: 'module',
    exports: { '.': { '@zen-watcher/source': './src/index.ts', import: './dist/index.js' } },
    files: ['dist'],
    dependencies: deps,
  });
  // b is listed first by the directory order: the script must still pack a first.
  write('pkgs/a-lib/package.json', pkg('@t/lib', {}));
  write('pkgs/a-lib/dist/index.js', 'export const a = 1;\n');
  write('pkgs/0-app/package.json', pkg('@t/app', { '@t/lib': '^1.0.0' }));
  write('pkgs/0-app/dist/index.js', "export { a } from '@t/lib';\n");
  edit(root);
  return root;
}

async function packFails(root: string): Promise<string> {
  const error = await runIn(ROOT, process.execPath, [join(ROOT, 'scripts', 'pack-release.ts'), '--root', root, '--out', join(root, 'out')]).then(
    () => undefined,
    (err: Error) => err.message,
  );
  expect(error, 'the script should have refused').toBeDefined();
  return error!;
}

describe('the release script on a workspace', () => {
  it('packs dependencies first, and strips the source condition from what it publishes', async () => {
    const root = workspace();
    const out = join(root, 'out');
    const release = await packRelease(out, root);
    expect(release.map((r) => r.name)).toEqual(['@t/lib', '@t/app']);
    expect(tarball(join(out, release[1].file)).manifest.exports).toEqual({ '.': { import: './dist/index.js' } });
    // The workspace itself keeps the condition: its tests resolve sources through it.
    expect(readFileSync(join(root, 'pkgs/0-app/package.json'), 'utf8')).toContain('@zen-watcher/source');
  });

  it('refuses a package that would ship a test or a fixture, naming the file', async () => {
    const root = workspace((r) => {
      writeFileSync(join(r, 'pkgs/a-lib/dist/index.test.js'), 'test();\n');
      mkdirSync(join(r, 'pkgs/a-lib/dist/fixtures'));
      writeFileSync(join(r, 'pkgs/a-lib/dist/fixtures/alert.json'), '{}\n');
    });
    const error = await packFails(root);
    expect(error).toContain('@t/lib would publish pkgs/a-lib/dist/index.test.js');
    expect(error).toContain('@t/lib would publish pkgs/a-lib/dist/fixtures/alert.json');
  });

  it('refuses an unbuilt package, saying to build', async () => {
    const root = workspace((r) => execFileSync('rm', [join(r, 'pkgs/0-app/dist/index.js')]));
    expect(await packFails(root)).toContain('@t/app: ./dist/index.js is missing (run npm run build)');
  });

  it('refuses an internal dependency its sibling does not meet', async () => {
    const root = workspace((r) => {
      const file = join(r, 'pkgs/a-lib/package.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"1.0.0"', '"2.0.0"'));
    });
    expect(await packFails(root)).toContain("@t/app: dependencies @t/lib@^1.0.0 is not met by the workspace's @t/lib@2.0.0");
  });
});
