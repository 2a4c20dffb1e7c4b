import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { HostConfig } from '../config/host-config.js';
import { HostError, HostErrorCodes } from '../errors.js';

export type ModeDecision = { mode: 'local'; why: string } | { mode: 'cluster'; why: string; kubeconfig: KubeConfig };

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Where a kubeconfig would come from, without loading the Kubernetes client. */
export function findKubeconfigSource(env: NodeJS.ProcessEnv): 'in-cluster' | 'KUBECONFIG' | 'home' | undefined {
  if (env.KUBERNETES_SERVICE_HOST && existsSync(SA_TOKEN)) return 'in-cluster';
  if (env.KUBECONFIG) return 'KUBECONFIG';
  if (existsSync(join(homedir(), '.kube', 'config'))) return 'home';
  return undefined;
}

/** Loads the kubeconfig: the in-cluster service account, else KUBECONFIG or ~/.kube/config. */
export async function loadKubeconfig(env: NodeJS.ProcessEnv): Promise<KubeConfig> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (findKubeconfigSource(env) === 'in-cluster') kc.loadFromCluster();
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'no Kubernetes cluster in the kubeconfig');
  return kc;
}

async function reachable(kc: KubeConfig, timeoutMs: number): Promise<string | undefined> {
  const k8s = await import('@kubernetes/client-node');
  try {
    const api = kc.makeApiClient(k8s.VersionApi);
    await Promise.race([api.getCode(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Decides local or cluster mode. `auto` runs in cluster mode when a kubeconfig (or the in-cluster
 * service account) is found and its API server answers, else in local mode, saying why.
 */
export async function resolveMode(config: HostConfig, env: NodeJS.ProcessEnv, log: Logger): Promise<ModeDecision> {
  if (config.mode === 'local') return { mode: 'local', why: 'mode: local' };
  const source = findKubeconfigSource(env);
  if (config.mode === 'cluster') {
    if (!source) throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'ZW_MODE=cluster but no kubeconfig: set KUBECONFIG or run in a pod with a service account');
    return { mode: 'cluster', why: 'mode: cluster', kubeconfig: await loadKubeconfig(env) };
  }
  if (!source) return { mode: 'local', why: 'no kubeconfig and not in a cluster' };
  let kc: KubeConfig;
  try {
    kc = await loadKubeconfig(env);
  } catch (err) {
    log.warn({ err }, 'kubeconfig unusable; running in local mode');
    return { mode: 'local', why: `kubeconfig unusable: ${(err as Error).message}` };
  }
  const problem = await reachable(kc, 2000);
  if (problem) return { mode: 'local', why: `API server ${kc.getCurrentCluster()?.server} not reachable: ${problem}` };
  return { mode: 'cluster', why: `kubeconfig from ${source}`, kubeconfig: kc };
}
