// The plugin author's path, end to end and with no hand edit: `npm create zen-watcher-plugin`
// (the packed scaffolder) writes a webhook plugin against this checkout's release tarballs; it is
// type-checked, tested, built and packed; a fresh folder installs it beside the host from the
// tarballs (three of them, no overrides); the host discovers it by its keyword and, in local
// mode with the plugin's own dev.yaml, turns the plugin's sample delivery into an Observation.
//
// It needs `npm run build` first (`npm test` does it). Installs take third-party packages from
// npm's cache where it has them (CI's `npm ci` filled it), else from the registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { npm, runIn } from '../harness/npm-child.ts';
import { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { hostInstall, runScript, useGeneratedPlugin } from './generated-plugin.ts';

const NAME = 'zw-e2e-tls-scanner';

const plugin = useGeneratedPlugin('webhook', NAME);
let app: string;
let proc: ZenWatcherProcess | undefined;
afterAll(async () => {
  if (proc?.running) await proc.stop('SIGTERM');
});

describe('a webhook plugin made by create-zen-watcher-plugin', () => {
  it('type-checks, passes its own tests and builds', async () => {
    await Promise.all([runScript(plugin(), 'typecheck'), runScript(plugin(), 'test')]);
    await runScript(plugin(), 'build');
    const pkg = JSON.parse(readFileSync(join(plugin().dir, 'package.json'), 'utf8')) as { exports: { '.': { import: string; types: string } } };
    const dist = readFileSync(join(plugin().dir, pkg.exports['.'].import), 'utf8');
    // The sdk and typebox are peers: imported, not bundled.
    expect(dist).toMatch(/from "@zen-watcher\/sdk"/);
    expect(dist).toMatch(/from "typebox"/);
    expect(readFileSync(join(plugin().dir, pkg.exports['.'].types), 'utf8')).toContain('declare');
  }, 240_000);

  it('is packed, installed beside the host from the release tarballs, and discovered by its keyword', async () => {
    const [packed] = JSON.parse(await npm(['pack', '--json', '--loglevel=error'], plugin().dir)) as { filename: string; files: { path: string }[] }[];
    expect(packed.files.map((f) => f.path).sort()).toEqual(['README.md', 'dist/index.d.ts', 'dist/index.js', 'dist/index.js.map', 'package.json']);
    app = await hostInstall(plugin(), [join(plugin().dir, packed.filename)]);
    const listed = JSON.parse(await runIn(app, 'npx', ['zen-watcher', 'plugins', '--json'], { PLUGINS: '' })) as { name: string; origin: string; package: string }[];
    expect(listed).toContainEqual({ name: NAME, kind: 'webhook', version: '0.1.0', package: NAME, origin: 'discovered' });
  }, 240_000);

  it("turns the plugin's sample delivery into an Observation in local mode", async () => {
    expect(app, 'the install above').toBeDefined();
    const output = join(plugin().work, 'observations.jsonl');
    proc = new ZenWatcherProcess({
      name: 'e2e-0',
      bin: join(app, 'node_modules', '@zen-watcher', 'core', 'dist', 'main.js'),
      cwd: app,
      env: { ZW_MODE: 'local', ZW_CONFIG: join(plugin().dir, 'dev.yaml'), OUTPUT_FILE: output, PLUGINS: '' },
    });
    await proc.start();
    await proc.ready();
    const delivery = readFileSync(join(plugin().dir, 'test', 'fixtures', 'sample-delivery.json'), 'utf8');
    const res = await proc.post(`/ingest/${NAME}`, delivery);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 1, created: 1 });
    const [obs] = readFileSync(output, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; spec: Record<string, unknown> });
    expect(obs).toMatchObject({
      kind: 'Observation',
      spec: { source: NAME, severity: 'high', eventType: 'zw_e2e_tls_scanner_finding', resource: { kind: 'Ingress', name: 'web', namespace: 'shop' } },
    });
  }, 60_000);
});
