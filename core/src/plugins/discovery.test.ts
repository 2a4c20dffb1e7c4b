import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/fixtures.js';
import { findKeywordPackages, loadPackage } from './discovery.js';

function makePackage(nm: string, name: string, source: string, keywords = ['zen-watcher-plugin']): string {
  const dir = join(nm, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.2.3', type: 'module', keywords, exports: { '.': { import: './index.js' } } }));
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

const goodPlugin = `export default { apiVersion: 1, name: 'cert-expiry', kind: 'webhook', handle: () => [] };`;

describe('plugin discovery', () => {
  it('finds packages by keyword, scoped or not, and ignores the rest', () => {
    const nm = tempDir();
    makePackage(nm, '@acme/zw-certs', goodPlugin);
    makePackage(nm, 'zw-other', goodPlugin);
    makePackage(nm, 'left-pad', 'export default 1', []);
    expect(findKeywordPackages([nm]).map((p) => p.name).sort()).toEqual(['@acme/zw-certs', 'zw-other']);
  });

  it('loads a valid plugin with its package version', async () => {
    const nm = tempDir();
    const dir = makePackage(nm, '@acme/zw-certs', goodPlugin);
    const loaded = await loadPackage('@acme/zw-certs', dir, 'discovered');
    expect(loaded).toMatchObject({ packageName: '@acme/zw-certs', version: '1.2.3', plugin: { name: 'cert-expiry', kind: 'webhook' } });
  });

  it.each([
    ['an unknown contract version', `export default { apiVersion: 9, name: 'x', kind: 'webhook', handle: () => [] };`, /@acme\/zw-bad declares contract version 9/],
    ['a contract 1 informer that reads old', `export default { apiVersion: 1, name: 'x', kind: 'informer', resources: [], onEvent: (type, obj, ctx, old) => [] };`, /@acme\/zw-bad declares contract version 1.*drop \`old\`/],
    ['an import that throws', `throw new Error('missing native module');`, /@acme\/zw-bad failed to load: missing native module/],
    ['no plugin as default export', `export const foo = 1;`, /@acme\/zw-bad does not export a plugin/],
    ['a malformed plugin', `export default { apiVersion: 1, name: 'X Y', kind: 'webhook' };`, /@acme\/zw-bad.*kebab-case.*handle/],
  ])('refuses %s, naming the package and the cause', async (_what, source, message) => {
    const nm = tempDir();
    const dir = makePackage(nm, '@acme/zw-bad', source);
    await expect(loadPackage('@acme/zw-bad', dir, 'discovered')).rejects.toThrow(message);
  });

  it('names the package whose entry file is missing', async () => {
    const nm = tempDir();
    const dir = join(nm, 'zw-unbuilt');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'zw-unbuilt', exports: './dist/index.js' }));
    await expect(loadPackage('zw-unbuilt', dir, 'configured')).rejects.toThrow(/zw-unbuilt: entry .*dist\/index.js does not exist/);
  });
});
