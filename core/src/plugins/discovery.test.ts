import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/fixtures.js';
import { discoverPlugins, findKeywordPackages, loadPackage, type ShadowedCopy } from './discovery.js';

function makePackage(nm: string, name: string, source: string, keywords = ['zen-watcher-plugin'], version = '1.2.3'): string {
  const dir = join(nm, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module', keywords, exports: { '.': { import: './index.js' } } }));
  writeFileSync(join(dir, 'index.js'), source);
  return dir;
}

const goodPlugin = `export default { apiVersion: 2, name: 'cert-expiry', kind: 'webhook', handle: () => [] };`;

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
    [
      'two plugins in one package',
      `export default { apiVersion: 2, name: 'certs', kind: 'webhook', handle: () => [] };\nexport const keys = { apiVersion: 2, name: 'keys', kind: 'webhook', handle: () => [] };`,
      /@acme\/zw-bad exports 2 plugins \(default: "certs", keys: "keys"\); a package holds one plugin/,
    ],
    ['a list of plugins', `export default [{ apiVersion: 2, name: 'certs', kind: 'webhook', handle: () => [] }];`, /@acme\/zw-bad exports a list as its default export; a package holds one plugin/],
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

  it('accepts the same plugin exported as default and as `plugin`', async () => {
    const dir = makePackage(tempDir(), 'zw-alias', `export const plugin = { apiVersion: 2, name: 'alias', kind: 'webhook', handle: () => [] };\nexport default plugin;`);
    expect((await loadPackage('zw-alias', dir, 'discovered')).plugin.name).toBe('alias');
  });
});

describe('plugin discovery: two copies of one package', () => {
  const discover = async (dirs: string[], configured: string[] = []) => {
    const shadowed: ShadowedCopy[] = [];
    const plugins = await discoverPlugins({ dirs, configured, onShadowed: (c) => shadowed.push(c) });
    return { plugins, shadowed };
  };

  it('runs the copy named in PLUGINS, not the installed one, and says so', async () => {
    const nm = tempDir();
    const installed = makePackage(nm, '@acme/zw-certs', goodPlugin);
    const checkout = makePackage(tempDir(), '@acme/zw-certs', goodPlugin, undefined, '1.3.0-dev');
    const { plugins, shadowed } = await discover([nm], [checkout]);
    expect(plugins.get('cert-expiry')).toMatchObject({ origin: 'configured', version: '1.3.0-dev' });
    expect(shadowed).toEqual([expect.objectContaining({ packageName: '@acme/zw-certs', shadowed: installed, used: checkout })]);
    expect(shadowed[0].message).toContain(`the copy in ${installed} is not used; the one named in PLUGINS (${checkout}) is`);
  });

  it('says nothing when PLUGINS names the installed copy itself', async () => {
    const nm = tempDir();
    makePackage(nm, '@acme/zw-certs', goodPlugin);
    const { plugins, shadowed } = await discover([nm], ['@acme/zw-certs']);
    expect(plugins.get('cert-expiry')?.origin).toBe('configured');
    expect(shadowed).toEqual([]);
  });

  it('runs the first of two installed copies and names the other', async () => {
    const [first, second] = [tempDir(), tempDir()];
    const used = makePackage(first, 'zw-certs', goodPlugin);
    const other = makePackage(second, 'zw-certs', goodPlugin, undefined, '2.0.0');
    const { plugins, shadowed } = await discover([first, second]);
    expect(plugins.get('cert-expiry')).toMatchObject({ origin: 'discovered', version: '1.2.3' });
    expect(shadowed.map((c) => [c.shadowed, c.used])).toEqual([[other, used]]);
  });

  it('keeps the bundled copy over an installed one of another version, and names it', async () => {
    const nm = tempDir();
    const dir = makePackage(nm, '@zen-watcher/plugin-falco', `export default { apiVersion: 2, name: 'falco', kind: 'webhook', handle: () => [] };`, undefined, '9.9.9');
    const { plugins, shadowed } = await discover([nm]);
    expect(plugins.get('falco')?.origin).toBe('bundled');
    expect(shadowed).toEqual([expect.objectContaining({ packageName: '@zen-watcher/plugin-falco', shadowed: dir, used: 'bundled' })]);
    expect(shadowed[0].message).toMatch(/it is 9\.9\.9, and the host runs its bundled \d/);
  });

  it('runs a checkout of a bundled plugin named in PLUGINS instead of the bundled copy', async () => {
    const dir = makePackage(tempDir(), '@zen-watcher/plugin-falco', `export default { apiVersion: 2, name: 'falco', kind: 'webhook', handle: () => [] };`, undefined, '9.9.9');
    const { plugins, shadowed } = await discover([], [dir]);
    expect(plugins.get('falco')).toMatchObject({ origin: 'configured', version: '9.9.9', packageName: '@zen-watcher/plugin-falco' });
    expect(shadowed).toEqual([expect.objectContaining({ shadowed: 'bundled', used: dir })]);
    expect(plugins.get('trivy')?.origin).toBe('bundled');
  });
});
