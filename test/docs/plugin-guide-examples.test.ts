/**
 * Runs the code examples of docs/plugin-author-guide.md, so the guide cannot drift from the
 * contract. A fenced block preceded by `<!-- file: <path> -->` is written to that path in a
 * scratch package inside this directory (so `@zen-watcher/sdk` resolves as it would for a plugin
 * author); the example test file is then imported here, and its describe/it blocks run as part
 * of this file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const GUIDE = fileURLToPath(new URL('../../docs/plugin-author-guide.md', import.meta.url));
const SCRATCH = fileURLToPath(new URL(`./.examples-${process.pid}/`, import.meta.url));

/** `<!-- file: path -->` followed by a fenced block: path → code. */
function exampleFiles(markdown: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of markdown.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)\n```/g)) files.set(m[1], `${m[2]}\n`);
  return files;
}

const files = exampleFiles(readFileSync(GUIDE, 'utf8'));
const tests = [...files.keys()].filter((f) => f.endsWith('.test.ts'));
for (const [path, code] of files) {
  // Renamed so that no other vitest run collects the scratch copy as a test file of its own.
  const target = join(SCRATCH, path.replace(/\.test\.ts$/, '.example.ts'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, code);
}
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('docs/plugin-author-guide.md examples', () => {
  it('has a plugin and a test to run', () => {
    expect([...files.keys()]).toEqual(expect.arrayContaining(['src/index.ts', 'test/backup-report.test.ts']));
  });
  for (const t of tests) {
    describe(t, async () => {
      await import(pathToFileURL(join(SCRATCH, t.replace(/\.test\.ts$/, '.example.ts'))).href);
    });
  }
});
