/**
 * The plugins shipped with the host. This list is the only place the host names a plugin.
 * Each is imported by its package name so the bundler and the workspace resolve it alike.
 */
export const BUNDLED_PLUGINS: Record<string, () => Promise<unknown>> = {
  '@zen-watcher/plugin-falco': () => import('@zen-watcher/plugin-falco'),
  '@zen-watcher/plugin-audit': () => import('@zen-watcher/plugin-audit'),
  '@zen-watcher/plugin-webhook': () => import('@zen-watcher/plugin-webhook'),
  '@zen-watcher/plugin-trivy': () => import('@zen-watcher/plugin-trivy'),
  '@zen-watcher/plugin-kyverno': () => import('@zen-watcher/plugin-kyverno'),
  '@zen-watcher/plugin-configmap': () => import('@zen-watcher/plugin-configmap'),
  '@zen-watcher/plugin-k8s-events': () => import('@zen-watcher/plugin-k8s-events'),
};
