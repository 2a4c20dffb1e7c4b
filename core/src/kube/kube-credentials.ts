import type { Dispatcher } from 'undici';

/** What one request to the API server carries: its headers, and the TLS (or proxy) to reach it through. */
export interface KubeAuth {
  headers: Record<string, string>;
  /** Undefined: undici's global dispatcher (system CAs, no client certificate). */
  dispatcher?: Dispatcher;
}

/**
 * Where the API server is and how to authenticate to it: a kubeconfig context or the in-cluster
 * service account, read by our own loader, or (for exec and auth-provider users) handled by
 * @kubernetes/client-node.
 */
export interface KubeCredentials {
  /** The API server's URL, without a trailing slash. */
  readonly server: string;
  /** Where they came from, for logs and errors: `kubeconfig /path, context "name"`. */
  readonly origin: string;
  /** Why @kubernetes/client-node handles these credentials (loaded only then), when it does. */
  readonly clientNodeReason?: string;
  /** The auth for requests made now; re-reads token and certificate files, which may rotate. */
  auth(): Promise<KubeAuth>;
}
