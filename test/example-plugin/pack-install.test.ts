// The example third-party plugin as its users get it: packed by the release script, installed
// from its tarball next to a host that is itself installed from the release's tarballs (the sdk
// and core, which carries the bundled plugins; their third-party dependencies from the registry
// or npm's cache), found by its keyword, and turning a cert-manager Certificate into an
// Observation in cluster mode.
//
// Nothing is built here: it needs `npm run build` first (core/dist, the plugins' dist, and the
// example's dist are what get packed). The host runs from the temporary install, not from the
// workspace: the workspace's node_modules links the example package, so a workspace host would
// find that copy first and the tarball would prove nothing.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { npmInstall, packRelease, ROOT, runIn } from '../harness/npm-child.ts';
import { waitFor } from '../harness/wait-for.ts';
import { createCrd, deleteCrd, isFake } from '../kube-api/target.ts';

const PLUGIN = 'zen-watcher-plugin-cert-manager';
const CRD_NAME = 'certificates.cert-manager.io';
const DAY = 24 * 60 * 60 * 1000;

let work: string;
let app: string;
let hostBin: string;
const timings: Record<string, number> = {};

async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    timings[label] = Math.round(performance.now() - t0);
  }
}

beforeAll(async () => {
  for (const dist of ['core/dist/main.js', 'sdk/dist/index.js', 'examples/plugin-cert-manager/dist/index.js']) {
    if (!existsSync(join(ROOT, dist))) throw new Error(`${dist} is missing: run npm run build first`);
  }
  work = await mkdtemp(join(tmpdir(), 'zw-pack-install-'));
  const packs = join(work, 'packs');
  app = join(work, 'app');
  await mkdir(app);
  const release = await timed('pack', () => packRelease(packs));
  const tarball = (name: string) => join(packs, release.find((r) => r.name === name)!.file);

  await writeFile(join(app, 'package.json'), `${JSON.stringify({ name: 'zw-pack-install', private: true, type: 'module' }, null, 2)}\n`);
  // Three tarballs and no overrides: core's only unpublished dependency is the sdk.
  await timed('install', () => npmInstall(app, [tarball('@zen-watcher/sdk'), tarball('@zen-watcher/core'), tarball(PLUGIN)]));
  hostBin = join(app, 'node_modules', '@zen-watcher', 'core', 'dist', 'main.js');
}, 180_000);

afterAll(async () => {
  console.info(`[pack-install] timings (ms): ${JSON.stringify(timings)}`);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the example plugin, packed and installed next to a packed host', () => {
  it('is installed from its tarball: a copy in the install, not a link to the workspace', () => {
    const dir = join(app, 'node_modules', PLUGIN);
    expect(lstatSync(dir).isSymbolicLink()).toBe(false);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { keywords: string[]; peerDependencies: Record<string, string> };
    expect(pkg.keywords).toContain('zen-watcher-plugin');
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@zen-watcher/sdk', 'typebox']);
    // Only what a user needs: the bundle, its map, the declarations of src, the README.
    expect(existsSync(join(dir, 'dist', 'types', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(dir, 'dist', 'types', 'test'))).toBe(false);
    expect(existsSync(join(dir, 'src'))).toBe(false);
    // The bundled plugins are in core's dist, not installed as packages of their own.
    expect(existsSync(join(app, 'node_modules', '@zen-watcher', 'plugin-falco'))).toBe(false);
    expect(lstatSync(join(app, 'node_modules', '@zen-watcher', 'core')).isSymbolicLink()).toBe(false);
  });

  it('is discovered by its keyword: `zen-watcher plugins --json` lists it', async () => {
    const stdout = await timed('plugins', () => runIn(app, process.execPath, [hostBin, 'plugins', '--json'], { PLUGINS: '' }));
    const plugins = JSON.parse(stdout) as { name: string; kind: string; version: string; package: string; origin: string }[];
    expect(plugins).toContainEqual({ name: 'cert-manager', kind: 'informer', version: '0.1.0', package: PLUGIN, origin: 'discovered' });
    expect(plugins.filter((p) => p.origin === 'bundled').map((p) => p.name).sort()).toEqual(['audit', 'configmap', 'falco', 'k8s-events', 'kyverno', 'trivy', 'webhook']);
  });

  describe('in cluster mode', () => {
    let cluster: ZenCluster;
    let createdCrd = false;

    beforeAll(async () => {
      cluster = await ZenCluster.start({ replicas: 1, start: false });
      const ext = cluster.kc.makeApiClient(k8s.ApiextensionsV1Api);
      // A real cluster may run cert-manager: use its CRD then, and leave it in place.
      const existing = await ext.readCustomResourceDefinition({ name: CRD_NAME }).catch(() => undefined);
      if (!existing) {
        await createCrd(cluster.kc, certificateCrd());
        createdCrd = true;
      }
    }, 60_000);

    afterAll(async () => {
      await cluster?.stop();
      if (createdCrd && !isFake) await deleteCrd(cluster.kc, CRD_NAME);
    });

    it('turns a Certificate expiring in 3 days into a high-severity Observation', async () => {
      const t0 = performance.now();
      // The test plugin the harness loads by default comes from the workspace: none here.
      const proc = await cluster.add('zw-0', { PLUGINS: '' }, false);
      Object.assign(proc.options, { bin: hostBin, cwd: app });
      await proc.start();
      await proc.ready();
      await cluster.leader();

      await cluster.applyIngester('certificates', { source: 'cert-manager' });
      await cluster.ingesterReady('certificates', 'True');

      const now = Date.now();
      const notAfter = new Date(now + 3 * DAY);
      const time = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const api = cluster.custom();
      const target = { group: 'cert-manager.io', version: 'v1', namespace: cluster.namespace, plural: 'certificates' };
      const created = (await api.createNamespacedCustomObject({
        ...target,
        body: {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'web-tls' },
          spec: { secretName: 'web-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
        },
      })) as { metadata: { resourceVersion: string } };
      // Status goes through its subresource, as cert-manager writes it: renewal overdue, failing.
      await api.replaceNamespacedCustomObjectStatus({
        ...target,
        name: 'web-tls',
        body: {
          apiVersion: 'cert-manager.io/v1',
          kind: 'Certificate',
          metadata: { name: 'web-tls', namespace: cluster.namespace, resourceVersion: created.metadata.resourceVersion },
          spec: { secretName: 'web-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer', group: 'cert-manager.io' } },
          status: {
            conditions: [
              { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', lastTransitionTime: time(now - 87 * DAY), observedGeneration: 1 },
              {
                type: 'Issuing',
                status: 'False',
                reason: 'Failed',
                message: 'The certificate request has failed to complete and will be retried: order is in "invalid" state',
                lastTransitionTime: time(now - 3_600_000),
                observedGeneration: 1,
              },
            ],
            notBefore: time(now - 87 * DAY),
            notAfter: time(notAfter.getTime()),
            renewalTime: time(now - 27 * DAY),
            lastFailureTime: time(now - 3_600_000),
            failedIssuanceAttempts: 5,
            revision: 1,
          },
        },
      });

      const obs = await waitFor(
        'an Observation of the Certificate',
        async () => (await cluster.observations()).find((o) => o.spec.source === 'cert-manager' && o.spec.resource?.name === 'web-tls'),
        { timeoutMs: 30_000, describe: async () => ({ observations: (await cluster.observations()).map((o) => o.spec.title), logs: proc.logs.slice(-5) }) },
      );
      expect(obs.metadata.namespace).toBe(cluster.namespace);
      expect(obs.spec).toMatchObject({
        source: 'cert-manager',
        severity: 'high',
        title: `Certificate web-tls expires within 7 days (${time(notAfter.getTime())})`,
        resource: { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: 'web-tls', namespace: cluster.namespace },
      });
      timings.cluster = Math.round(performance.now() - t0);
    }, 60_000);
  });
});

/** A CRD for cert-manager's Certificate: the real names and status subresource, any content kept. */
function certificateCrd(): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: 'cert-manager.io',
      scope: 'Namespaced',
      names: { kind: 'Certificate', listKind: 'CertificateList', plural: 'certificates', singular: 'certificate', shortNames: ['cert', 'certs'], categories: ['cert-manager'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}
