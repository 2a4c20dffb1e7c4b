// Where integration tests run: the in-process fake API server by default, or the real cluster
// named by ZW_TEST_KUBECONFIG. Either way each run gets its own namespace, removed by cleanup().
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { KubeApi, KubeApiOptions } from './server.ts';
import { startKubeApi } from './server.ts';
import { waitFor } from './wait-for.ts';

export interface TestTargetOptions {
  /** Options for the fake server (ignored against a real cluster). */
  api?: KubeApiOptions;
  /** Prefix of the run's namespace name (default `zw-test`). */
  namespacePrefix?: string;
  /** User the fake server's kubeconfig authenticates as (default `system:admin`). */
  user?: string;
}

export interface TestTarget {
  kubeconfigPath: string;
  kc: k8s.KubeConfig;
  /** A fresh namespace for this run; deleted by cleanup(). */
  namespace: string;
  isFake: boolean;
  /** The in-process server when isFake. */
  api?: KubeApi;
  cleanup(): Promise<void>;
}

/** True when tests run against the in-process fake server (ZW_TEST_KUBECONFIG unset). */
export const isFake = !process.env.ZW_TEST_KUBECONFIG;

/**
 * For `it.skipIf(...)` on tests that only make sense on the fake server (fault injection,
 * minting tokens): returns true on a real cluster and says so on the console, once per call.
 */
export function fakeOnly(reason: string): boolean {
  if (!isFake) console.info(`[kube-api tests] skipped on a real cluster: ${reason}`);
  return !isFake;
}

export function randomSuffix(n = 6): string {
  return randomBytes(n).toString('hex').slice(0, n);
}

export async function testTarget(opts: TestTargetOptions = {}): Promise<TestTarget> {
  const real = process.env.ZW_TEST_KUBECONFIG;
  let api: KubeApi | undefined;
  let dir: string | undefined;
  let kubeconfigPath: string;
  if (real) {
    kubeconfigPath = real;
  } else {
    api = await startKubeApi({ port: 0, ...opts.api });
    dir = await mkdtemp(join(tmpdir(), 'zw-kube-api-'));
    kubeconfigPath = join(dir, 'kubeconfig');
    await api.writeKubeconfig(kubeconfigPath, { user: opts.user });
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = `${opts.namespacePrefix ?? 'zw-test'}-${randomSuffix()}`;
  await core.createNamespace({ body: { metadata: { name: namespace, labels: { 'zen-watcher.kube-zen.io/test-run': 'true' } } } });
  let cleaned = false;
  return {
    kubeconfigPath,
    kc,
    namespace,
    isFake: api !== undefined,
    api,
    async cleanup() {
      if (cleaned) return;
      cleaned = true;
      try {
        await core.deleteNamespace({ name: namespace });
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      } finally {
        if (api) await api.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Create a CRD given in wire format (as in a YAML manifest) and wait until it is Established.
 * It goes through plain YAML and loadYaml so client-node's typed serializer keeps `enum` and
 * `x-kubernetes-*` (k8s.dumpYaml would run the serializer on the wire object and drop them).
 */
export async function createCrd(kc: k8s.KubeConfig, crd: object, timeoutMs = 30_000): Promise<k8s.V1CustomResourceDefinition> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const body = k8s.loadYaml<k8s.V1CustomResourceDefinition>(stringify(crd));
  const created = await ext.createCustomResourceDefinition({ body });
  return waitForCrdEstablished(kc, created.metadata!.name!, timeoutMs);
}

export async function waitForCrdEstablished(kc: k8s.KubeConfig, name: string, timeoutMs = 30_000): Promise<k8s.V1CustomResourceDefinition> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  return waitFor(
    async () => {
      const crd = await ext.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? crd : undefined;
    },
    { timeoutMs, message: `CRD ${name} Established` },
  );
}

/** Delete a CRD and wait until it (and with it every instance) is gone. */
export async function deleteCrd(kc: k8s.KubeConfig, name: string, timeoutMs = 60_000): Promise<void> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  try {
    await ext.deleteCustomResourceDefinition({ name });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return;
    throw err;
  }
  await waitFor(
    async () => {
      try {
        await ext.readCustomResourceDefinition({ name });
        return false;
      } catch (err) {
        return (err as { code?: number }).code === 404;
      }
    },
    { timeoutMs, message: `CRD ${name} deleted` },
  );
}
