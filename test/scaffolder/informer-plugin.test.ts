// An informer plugin made by `npm create zen-watcher-plugin` (the packed scaffolder) against this
// checkout's release tarballs, with no hand edit: type-checked, tested and built; run by
// `zen-watcher dev` from its own devDependencies, which warns that local mode gives an informer
// nothing to watch; then packed, installed beside the host from the tarballs, and run in cluster
// mode, where a labelled ConfigMap becomes an Observation.
//
// It needs `npm run build` first (`npm test` does it). Installs take third-party packages from
// npm's cache where it has them (CI's `npm ci` filled it), else from the registry.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { npm } from '../harness/npm-child.ts';
import { waitFor } from '../harness/wait-for.ts';
import { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { hostInstall, runScript, useGeneratedPlugin } from './generated-plugin.ts';

const NAME = 'zw-e2e-cert-audit';

const plugin = useGeneratedPlugin('informer', NAME);
let dev: ZenWatcherProcess | undefined;
afterAll(async () => {
  if (dev?.running) await dev.stop('SIGTERM');
});

describe('an informer plugin made by create-zen-watcher-plugin', () => {
  it('type-checks, passes its own tests and builds', async () => {
    await Promise.all([runScript(plugin(), 'typecheck'), runScript(plugin(), 'test')]);
    await runScript(plugin(), 'build');
  }, 240_000);

  it('runs under zen-watcher dev, which says that local mode gives it nothing to watch', async () => {
    dev = new ZenWatcherProcess({
      name: 'dev-0',
      bin: join(plugin().dir, 'node_modules', '@zen-watcher', 'core', 'dist', 'main.js'),
      args: ['dev', '--plugin', '.', '--no-build', '--no-watch'],
      cwd: plugin().dir,
      env: { LOG_LEVEL: 'info', PLUGINS: '' },
    });
    await dev.start();
    await dev.ready();
    await waitFor('the informer warning', () => dev!.logged(`informer source ${NAME} cannot receive events in local mode`).length > 0, { describe: () => dev!.logs.slice(-5) });
    expect((await dev.stop('SIGTERM')).code).toBe(0);
  }, 60_000);

  describe('packed and installed beside the host, in cluster mode', () => {
    let cluster: ZenCluster;
    let app: string;

    beforeAll(async () => {
      const [packed] = JSON.parse(await npm(['pack', '--json', '--loglevel=error'], plugin().dir)) as { filename: string }[];
      app = await hostInstall(plugin(), [join(plugin().dir, packed.filename)]);
      cluster = await ZenCluster.start({ replicas: 1, start: false });
    }, 240_000);

    afterAll(async () => {
      await cluster?.stop();
    });

    it('turns a labelled ConfigMap into an Observation', async () => {
      // The harness's own test plugin comes from the workspace: none here, only what was installed.
      const proc = await cluster.add('zw-0', { PLUGINS: '' }, false);
      Object.assign(proc.options, { bin: join(app, 'node_modules', '@zen-watcher', 'core', 'dist', 'main.js'), cwd: app });
      await proc.start();
      await proc.ready();
      await cluster.leader();
      await cluster.applyIngester('audit', { source: NAME });
      await cluster.ingesterReady('audit', 'True');

      await cluster.core().createNamespacedConfigMap({
        namespace: cluster.namespace,
        body: { metadata: { name: 'payments-scan', labels: { [`example.com/${NAME}`]: 'true' } }, data: { finding: 'weak-tls-cipher', severity: 'high' } },
      });
      const obs = await waitFor('the Observation of the ConfigMap', async () => (await cluster.observations()).find((o) => o.spec.source === NAME), {
        timeoutMs: 30_000,
        describe: () => proc.logs.slice(-5),
      });
      expect(obs.spec).toMatchObject({ severity: 'high', title: `weak-tls-cipher in ConfigMap ${cluster.namespace}/payments-scan`, resource: { name: 'payments-scan', namespace: cluster.namespace } });
    }, 60_000);
  });
});
