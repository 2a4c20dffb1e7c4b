/**
 * Runs the code examples of docs/plugin-author-guide.md, so the guide cannot drift from the
 * contract. A fenced block preceded by `<!-- file: <path> -->` is written to that path in a
 * scratch folder inside this directory (so `@zen-watcher/sdk` resolves as it would for a plugin
 * author); the example test files are then imported here, and their describe/it blocks run as
 * part of this file. The package.json and build the guide shows are held to what the scaffolder
 * writes, and to the example plugin.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';

const GUIDE = fileURLToPath(new URL('../../docs/plugin-author-guide.md', import.meta.url));
const SCRATCH = fileURLToPath(new URL(`./.examples-${process.pid}/`, import.meta.url));

/** `<!-- file: path -->` followed by a fenced block: path → code. */
function exampleFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)) files.set(m[1], `${m[2]}\n`);
  return files;
}

const guide = readFileSync(GUIDE, 'utf8');
const files = exampleFiles(guide);
const tests = [...files.keys()].filter((f) => f.endsWith('.test.ts'));
for (const [path, code] of files) {
  // Renamed so that no other vitest run collects the scratch copy as a test file of its own.
  const target = join(SCRATCH, path.replace(/\.test\.ts$/, '.example.ts'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('docs/plugin-author-guide.md examples', () => {
  it('has two plugin packages, each with a test to run', () => {
    expect([...files.keys()].sort()).toEqual(['backup-report/src/index.ts', 'backup-report/test/plugin.test.ts', 'cert-not-ready/src/index.ts', 'cert-not-ready/test/plugin.test.ts']);
  });
  for (const t of tests) {
    describe(t, async () => {
      await import(pathToFileURL(join(SCRATCH, t.replace(/\.test\.ts$/, '.example.ts'))).href);
    });
  }
});

/** The fenced blocks of a language, with the text before each. */
function blocks(lang: string): { before: string; code: string }[] {
  return [...guide.matchAll(new RegExp(`\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``, 'g'))].map((m) => ({ before: guide.slice(0, m.index), code: m[1] }));
}

describe('docs/plugin-author-guide.md and what ships', () => {
  const ROOT = fileURLToPath(new URL('../../', import.meta.url));

  it('shows the package.json the scaffolder writes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'zw-guide-'));
    const name = '@acme/zen-watcher-plugin-backup-report';
    const r = spawnSync(process.execPath, [join(ROOT, 'create-zen-watcher-plugin', 'dist', 'cli.js'), 'pkg', '--kind', 'webhook', '--name', name], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(cwd, 'pkg', 'package.json'), 'utf8')) as Record<string, unknown>;
    const shown = JSON.parse(blocks('json').find((b) => b.before.endsWith('The package.json `npm create zen-watcher-plugin` writes:\n'))!.code) as Record<string, unknown>;
    const { version: _v, description: _d, license: _l, ...rest } = written;
    expect(shown).toMatchObject(rest);
    expect(Object.keys(shown).sort()).toEqual(Object.keys(written).filter((k) => k !== 'license').sort());
  });

  it('shows the tsup config the scaffolder writes', () => {
    const shown = blocks('ts').find((b) => b.code.startsWith('// tsup.config.ts'))!.code;
    const template = readFileSync(join(ROOT, 'create-zen-watcher-plugin', 'templates', 'common', 'tsup.config.ts'), 'utf8');
    const code = (text: string) => text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('//')).join('\n');
    expect(code(shown)).toBe(code(template));
  });

  it('agrees with the example plugin: the sdk and typebox as peers, no source condition', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'plugin-cert-manager', 'package.json'), 'utf8')) as { peerDependencies: object; exports: object; keywords: string[] };
    expect(Object.keys(example.peerDependencies).sort()).toEqual(['@zen-watcher/sdk', 'typebox']);
    expect(JSON.stringify(example.exports)).not.toContain('@zen-watcher/source');
    expect(example.keywords).toContain('zen-watcher-plugin');
  });

  it('listens on loopback in every local config it shows', () => {
    const local = blocks('yaml').flatMap((b) => parseAllDocuments(b.code).map((d) => d.toJS() as Record<string, unknown>)).filter((c) => c?.mode === 'local');
    expect(local.length).toBeGreaterThan(0);
    for (const config of local) expect(config.host).toBe('127.0.0.1');
  });
});
