import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Imported by URL so that `tsc -b` of the test project does not pull scripts/ (outside its
// rootDir) into it; scripts/tsconfig.json typechecks the generator. Once test/tsconfig.json
// references ../scripts, this can become a static import.
const generator = new URL('../../scripts/gen-config-docs.ts', import.meta.url).href;
const { CONFIG_DOCS_PATH, renderConfigDocs } = (await import(generator)) as {
  CONFIG_DOCS_PATH: string;
  renderConfigDocs(): Promise<string>;
};

// ZW_WRITE_DOCS=1 writes docs/configuration.md instead of comparing with it.
const write = process.env.ZW_WRITE_DOCS === '1';

function firstDifference(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `first difference at line ${i + 1}:\n  file:      ${x[i] ?? '(end of file)'}\n  generated: ${y[i] ?? '(end of file)'}`;
  }
  return '';
}

describe('docs/configuration.md', () => {
  it(write ? 'is written from the schemas' : 'matches the schemas', async () => {
    const rendered = await renderConfigDocs();
    if (write) {
      writeFileSync(CONFIG_DOCS_PATH, rendered);
      return;
    }
    let current = '';
    try {
      current = readFileSync(CONFIG_DOCS_PATH, 'utf8');
    } catch {
      // missing: reported as stale below
    }
    if (current !== rendered) expect.fail(`docs/configuration.md is stale: run \`npm run docs\`\n${firstDifference(current, rendered)}`);
  });
});
