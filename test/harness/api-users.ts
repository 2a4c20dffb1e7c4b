import * as k8s from '@kubernetes/client-node';
import { kubeconfigYaml } from '../kube-api/kubeconfig.ts';
import type { TestTarget } from '../kube-api/target.ts';

/**
 * A kubeconfig for one client of a test. On the test server it authenticates as `user` with a
 * token of its own (plain http), so the request log tells its requests apart (`{ user }`) and a
 * fault or partition can target it alone; on a real cluster it is the run's own credentials.
 */
export function kubeconfigAs(target: TestTarget, user: string): k8s.KubeConfig {
  if (!target.api) return target.kc;
  const kc = new k8s.KubeConfig();
  kc.loadFromString(kubeconfigYaml({ server: target.api.url, token: target.api.issueToken(user), user }));
  return kc;
}
