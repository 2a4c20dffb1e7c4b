/**
 * Reader of charts/zen-watcher/rbac-rules.yaml, the one list of permissions the chart grants.
 * A code-vs-chart test can compare grantedRules() with the requests the host makes.
 */
import { join } from 'node:path';
import { CHART, readYaml } from './chart-files.ts';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
export const SCOPES = ['watched', 'cluster', 'releaseNamespace', 'releaseAndWatchedNamespaces'] as const;
export type Scope = (typeof SCOPES)[number];
export type RuleLists = Partial<Record<Scope, PolicyRule[]>>;
export interface RbacRules {
  host: RuleLists;
  /** Granted with values `webhook.serviceAccountAuth.enabled` (TokenReviews). */
  webhookServiceAccountAuth: RuleLists;
  sources: Record<string, RuleLists>;
}

export const rbacRules = (): RbacRules => readYaml<RbacRules>(join(CHART, 'rbac-rules.yaml'));

/**
 * One `group/resource verb` line per permission granted: host, the given sources, and the
 * TokenReview grant when `serviceAccountAuth` (by default everything the chart can grant).
 */
export function grantedRules(sources: string[] = Object.keys(rbacRules().sources), options: { serviceAccountAuth?: boolean } = {}): { scope: Scope; group: string; resource: string; verb: string }[] {
  const r = rbacRules();
  const out: { scope: Scope; group: string; resource: string; verb: string }[] = [];
  const optional = options.serviceAccountAuth === false ? [] : [r.webhookServiceAccountAuth];
  for (const lists of [r.host, ...optional, ...sources.map((s) => r.sources[s] ?? {})]) {
    for (const scope of SCOPES) {
      for (const rule of lists[scope] ?? []) {
        for (const group of rule.apiGroups) for (const resource of rule.resources) for (const verb of rule.verbs) out.push({ scope, group, resource, verb });
      }
    }
  }
  return out;
}
