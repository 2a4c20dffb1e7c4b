import { isIPv6 } from 'node:net';
import { join } from 'node:path';
import { FileCredentials } from './file-credentials.js';

/** Where the kubelet mounts a pod's service account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The pod's own service account, as client-go's rest.InClusterConfig (and client-node's
 * loadFromCluster) read it: the API server from KUBERNETES_SERVICE_HOST/PORT, trusted through
 * the mounted ca.crt, with the mounted token. The kubelet rotates a projected token (about
 * hourly), so it is re-read rather than kept.
 */
export function inClusterCredentials(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): FileCredentials {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  // client-node's rule for the rare API server behind plain http (a local proxy).
  const scheme = ['80', '8080', '8001'].includes(port) ? 'http' : 'https';
  return new FileCredentials({
    server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
    origin: `in-cluster service account (${dir})`,
    tls: { ca: { file: join(dir, 'ca.crt') }, insecure: scheme === 'http' },
    user: { token: { file: join(dir, 'token') } },
  });
}
