// A kubeconfig that both @kubernetes/client-node 2.x and kubectl accept for a plain-http
// server: client-node refuses http:// unless insecure-skip-tls-verify is true.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  token: string;
  user: string;
  namespace?: string;
  context?: string;
}

export function kubeconfigYaml(o: KubeconfigOptions): string {
  const context = o.context ?? 'zen-test';
  const ctx: Record<string, string> = { cluster: context, user: o.user };
  if (o.namespace) ctx.namespace = o.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: { server: o.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: o.user, user: { token: o.token } }],
    contexts: [{ name: context, context: ctx }],
    'current-context': context,
    preferences: {},
  });
}

export async function writeKubeconfigFile(path: string, o: KubeconfigOptions): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(o), { mode: 0o600 });
}
