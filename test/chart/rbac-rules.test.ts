/**
 * rbac-rules.yaml is the one list of permissions; templates/rbac.yaml only places it. These tests
 * keep the file well formed and least-privilege.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, chartValues, readText, type JsonObject } from './chart-files.ts';
import { SCOPES, grantedRules, rbacRules } from './rbac-rules.ts';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const CLUSTER_SCOPED = [
  'customresourcedefinitions',
  'clusterpolicyreports',
  'clusterreports',
  'clusterconfigauditreports',
  'clustervulnerabilityreports',
  'clusterrbacassessmentreports',
  'clusterinfraassessmentreports',
  'clustercompliancereports',
  'namespaces',
  'nodes',
  'tokenreviews',
];

describe('rbac-rules.yaml', () => {
  it('has host, TokenReview and per-source lists, each in a known scope', () => {
    const r = rbacRules();
    expect(Object.keys(r).sort()).toEqual(['host', 'sources', 'webhookServiceAccountAuth']);
    for (const lists of [r.host, r.webhookServiceAccountAuth, ...Object.values(r.sources)]) {
      for (const scope of Object.keys(lists)) expect(SCOPES as readonly string[]).toContain(scope);
      for (const rules of Object.values(lists)) {
        for (const rule of rules ?? []) {
          expect(Object.keys(rule).sort()).toEqual(['apiGroups', 'resources', 'verbs']);
          for (const v of rule.verbs) expect(VERBS).toContain(v);
          expect(rule.resources).not.toContain('*');
          expect(rule.verbs).not.toContain('*');
        }
      }
    }
  });

  it('has a source list for each sources.<plugin> value, and no other', () => {
    expect(Object.keys(rbacRules().sources).sort()).toEqual(Object.keys(chartValues().sources as JsonObject).sort());
  });

  it('grants the host what the design needs, and no more', () => {
    const lines = grantedRules([], { serviceAccountAuth: false }).map((g) => `${g.scope} ${g.group || 'core'}/${g.resource} ${g.verb}`);
    expect(lines.sort()).toEqual(
      [
        ...['get', 'list', 'create', 'delete'].map((v) => `watched zen.kube-zen.io/observations ${v}`),
        'watched zen.kube-zen.io/observations/status patch',
        ...['list', 'watch'].map((v) => `watched zen.kube-zen.io/ingesters ${v}`),
        'watched zen.kube-zen.io/ingesters/status patch',
        'watched core/events create',
        ...['get', 'list', 'watch', 'create', 'update', 'delete'].map((v) => `releaseNamespace coordination.k8s.io/leases ${v}`),
        ...['list', 'watch'].map((v) => `releaseAndWatchedNamespaces core/secrets ${v}`),
      ].sort(),
    );
  });

  it('lets informer sources only read', () => {
    const writes = grantedRules(Object.keys(rbacRules().sources), { serviceAccountAuth: false }).filter((g) => !['get', 'list', 'watch'].includes(g.verb));
    // Only the host's own writes remain.
    expect(new Set(writes.map((g) => g.resource))).toEqual(new Set(['observations', 'observations/status', 'ingesters/status', 'events', 'leases']));
  });

  it('grants serviceAccount webhook auth exactly create on tokenreviews, cluster-wide, under its own values switch', () => {
    const extra = grantedRules([]).filter((g) => !grantedRules([], { serviceAccountAuth: false }).some((h) => h.resource === g.resource && h.verb === g.verb && h.scope === g.scope));
    expect(extra).toEqual([{ scope: 'cluster', group: 'authentication.k8s.io', resource: 'tokenreviews', verb: 'create' }]);
    expect((chartValues().webhook as JsonObject).serviceAccountAuth).toEqual({ enabled: false });
    expect(readText(join(CHART, 'templates/rbac.yaml'))).toMatch(/if \.Values\.webhook\.serviceAccountAuth\.enabled \}\}\n\{\{- \$cluster = concat \$cluster \$rules\.webhookServiceAccountAuth\.cluster/);
  });

  it('never grants Secrets or Leases cluster-wide', () => {
    for (const g of grantedRules()) {
      if (g.resource === 'secrets') expect(g.scope).toBe('releaseAndWatchedNamespaces');
      if (g.resource === 'leases') expect(g.scope).toBe('releaseNamespace');
    }
  });

  it('puts cluster-scoped resources in the cluster scope, and only those', () => {
    for (const g of grantedRules()) {
      expect(g.scope === 'cluster', `${g.resource} in ${g.scope}`).toBe(CLUSTER_SCOPED.includes(g.resource));
    }
  });

  it('is what templates/rbac.yaml renders from', () => {
    const t = readText(join(CHART, 'templates/rbac.yaml'));
    expect(t).toContain('.Files.Get "rbac-rules.yaml"');
    for (const scope of SCOPES) expect(t, scope).toContain(`.${scope}`);
    // No rule is written by hand in the template.
    expect(t).not.toMatch(/^\s*-?\s*apiGroups:/m);
  });
});
