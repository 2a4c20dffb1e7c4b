import type { KubeConfig } from '@kubernetes/client-node';
import type { Dispatcher } from 'undici';
import { HostError, HostErrorCodes } from '../errors.js';
import type { KubeAuth, KubeCredentials } from './kube-credentials.js';

// Imported only here, and only when needed: loading @kubernetes/client-node (~800 modules)
// costs a pod ~70 MiB of memory, and our own loader covers every kubeconfig without a plugin.
const clientNode = () => import('@kubernetes/client-node');

/** Whether `value` is a @kubernetes/client-node KubeConfig (which KubeHttp also accepts). */
export function isClientNodeConfig(value: KubeCredentials | KubeConfig): value is KubeConfig {
  return typeof (value as KubeConfig).applySecurityAuthentication === 'function';
}

/** Credentials that client-node's KubeConfig applies (exec plugins, auth providers, …). */
export function clientNodeCredentials(kc: KubeConfig, origin = 'a @kubernetes/client-node KubeConfig', reason = 'given a KubeConfig'): KubeCredentials {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, `${origin}: no current cluster in the kubeconfig`);
  return {
    server: cluster.server.replace(/\/$/, ''),
    origin,
    clientNodeReason: reason,
    async auth(): Promise<KubeAuth> {
      const { RequestContext, HttpMethod } = await clientNode();
      const ctx = new RequestContext(cluster.server, HttpMethod.GET);
      await kc.applySecurityAuthentication(ctx);
      return { headers: ctx.getHeaders(), dispatcher: (ctx as unknown as { getDispatcher(): Dispatcher | undefined }).getDispatcher() };
    },
  };
}

/**
 * Kubeconfig files loaded by client-node as its loadFromDefault() does (and the host did before
 * it had a loader of its own), on the context our loader chose: the same one, unless the files
 * disagree on current-context, where kubectl's rule (the first) is ours and client-node's is the last.
 */
export async function loadWithClientNode(files: readonly string[], context: string, origin: string, reason: string): Promise<KubeCredentials> {
  const { KubeConfig } = await clientNode();
  const kc = new KubeConfig();
  kc.loadFromFile(files[0]!);
  for (const file of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kc.mergeConfig(more);
  }
  kc.setCurrentContext(context);
  return clientNodeCredentials(kc, origin, reason);
}
