import { fetch } from 'undici';
import type { Logger } from 'pino';
import type { HostConfig } from '../config/host-config.js';
import { HostError, HostErrorCodes } from '../errors.js';
import type { KubeCredentials } from './kube-credentials.js';
import { findKubeconfigSource, loadCredentials } from './load-credentials.js';

export type ModeDecision = { mode: 'local'; why: string } | { mode: 'cluster'; why: string; kubeconfig: KubeCredentials };

/** Undefined when the API server answers GET /version, else what went wrong. */
async function reachable(credentials: KubeCredentials, timeoutMs: number): Promise<string | undefined> {
  try {
    const { headers, dispatcher } = await credentials.auth();
    const res = await fetch(`${credentials.server}/version`, { headers: { ...headers, accept: 'application/json' }, dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    // undici's "fetch failed" says nothing; its cause says what (ECONNREFUSED, a certificate).
    return ((err as Error).cause as Error | undefined)?.message ?? (err as Error).message;
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
    return { mode: 'cluster', why: 'mode: cluster', kubeconfig: loaded(await loadCredentials(env), log) };
  }
  if (!source) return { mode: 'local', why: 'no kubeconfig and not in a cluster' };
  let credentials: KubeCredentials;
  try {
    credentials = loaded(await loadCredentials(env), log);
  } catch (err) {
    // A kubeconfig we could not use is the user's to fix: its reason, not our stack.
    log.warn(err instanceof HostError ? { reason: err.message } : { err }, 'kubeconfig unusable; running in local mode');
    return { mode: 'local', why: `kubeconfig unusable: ${(err as Error).message}` };
  }
  const problem = await reachable(credentials, 2000);
  if (problem) return { mode: 'local', why: `API server ${credentials.server} not reachable: ${problem}` };
  return { mode: 'cluster', why: `kubeconfig from ${source}`, kubeconfig: credentials };
}

function loaded(credentials: KubeCredentials, log: Logger): KubeCredentials {
  if (credentials.clientNodeReason) log.info({ origin: credentials.origin, reason: credentials.clientNodeReason }, 'kubeconfig user handled by @kubernetes/client-node');
  return credentials;
}
