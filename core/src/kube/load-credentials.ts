import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { loadWithClientNode } from './client-node-credentials.js';
import { FileCredentials } from './file-credentials.js';
import { inClusterCredentials, SERVICE_ACCOUNT_DIR } from './in-cluster.js';
import type { KubeCredentials } from './kube-credentials.js';
import { selectContext } from './kubeconfig-context.js';
import { readKubeconfigs } from './kubeconfig-files.js';

export type KubeconfigSource = 'in-cluster' | 'KUBECONFIG' | 'home';

export interface LoadOptions {
  /** Where the service account is mounted (tests). */
  serviceAccountDir?: string;
  /** The home directory holding .kube/config (tests). */
  home?: string;
}

/** Where credentials would come from, without reading them. */
export function findKubeconfigSource(env: NodeJS.ProcessEnv, options: LoadOptions = {}): KubeconfigSource | undefined {
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR, 'token'))) return 'in-cluster';
  if (env.KUBECONFIG) return 'KUBECONFIG';
  if (existsSync(join(options.home ?? homedir(), '.kube', 'config'))) return 'home';
  return undefined;
}

/**
 * Loads the credentials: the in-cluster service account, else the current context of KUBECONFIG
 * (a list, merged as kubectl merges it) or ~/.kube/config. A kubeconfig user that needs a plugin
 * (exec, auth-provider) is handed to @kubernetes/client-node, loaded only then.
 */
export async function loadCredentials(env: NodeJS.ProcessEnv, options: LoadOptions = {}): Promise<KubeCredentials> {
  const source = findKubeconfigSource(env, options);
  if (source === 'in-cluster') return inClusterCredentials(env, options.serviceAccountDir);
  const files = source === 'KUBECONFIG' ? (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean) : [join(options.home ?? homedir(), '.kube', 'config')];
  const merged = readKubeconfigs(files);
  const selected = selectContext(merged);
  if (selected.kind === 'files') return new FileCredentials(selected.credentials);
  return loadWithClientNode(merged.files, selected.context, selected.origin, selected.reason);
}
