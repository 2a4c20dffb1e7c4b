/**
 * The chart's webhook TLS and TokenReview switches, rendered by a real `helm template`: where
 * HTTPS, probes and /metrics are served, what the Service, ServiceMonitor and NetworkPolicy
 * expose, and that `create` on tokenreviews is granted only when serviceAccount auth is allowed.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { k8sTool } from '../tools/k8s-tools.ts';
import { CHART } from './chart-files.ts';

type Doc = { kind: string; metadata: { name: string }; spec?: any; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };

function render(set: Record<string, string | boolean> = {}): Doc[] {
  const args = ['template', 'zw', CHART, '--namespace', 'zen-system', ...Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`])];
  const out = execFileSync(k8sTool('helm'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(out).map((d) => d.toJS() as Doc).filter(Boolean);
}
function renderError(set: Record<string, string | boolean>): string {
  try {
    render(set);
  } catch (err) {
    return String((err as { stderr?: string }).stderr);
  }
  return '';
}
const one = (docs: Doc[], kind: string) => docs.find((d) => d.kind === kind)!;
const container = (docs: Doc[]) => one(docs, 'Deployment').spec.template.spec.containers[0];
const env = (docs: Doc[]) => Object.fromEntries(container(docs).env.filter((e: { value?: string }) => e.value !== undefined).map((e: { name: string; value: string }) => [e.name, e.value]));
const TLS = { 'webhook.tls.enabled': true, 'webhook.tls.secretName': 'zw-webhook-tls', 'serviceMonitor.enabled': true, 'networkPolicy.enabled': true };

describe('chart: webhook TLS (helm template)', () => {
  it('by default serves everything in plain HTTP on port http (8080)', () => {
    const docs = render({ 'serviceMonitor.enabled': true });
    expect(container(docs).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(env(docs)).toMatchObject({ PORT: '8080' });
    expect(env(docs)).not.toHaveProperty('OPS_PORT');
    expect(env(docs)).not.toHaveProperty('TLS_SECRET_NAME');
    expect(one(docs, 'Service').spec.ports.map((p: { name: string }) => p.name)).toEqual(['http']);
  }, 120_000);

  it('with TLS: webhooks over HTTPS on 8443 from the Secret; probes and /metrics on the plain ops port 8080', () => {
    const docs = render({ ...TLS, 'webhook.tls.clientCaSecretName': 'zw-clients-ca' });
    const c = container(docs);
    expect(c.ports).toEqual([
      { name: 'https', containerPort: 8443, protocol: 'TCP' },
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
    ]);
    expect(env(docs)).toMatchObject({ PORT: '8443', OPS_PORT: '8080', TLS_SECRET_NAME: 'zw-webhook-tls', TLS_CLIENT_CA_SECRET_NAME: 'zw-clients-ca' });
    // kubelet probes with no certificate: they must hit the plain port, which has no /ingest.
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(one(docs, 'Service').spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' },
    ]);
    expect(one(docs, 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ port: 'http', scheme: 'http', path: '/metrics' });
    expect(one(docs, 'NetworkPolicy').spec.ingress[0].ports).toEqual([
      { port: 'http', protocol: 'TCP' },
      { port: 'https', protocol: 'TCP' },
    ]);
  }, 120_000);

  it('refuses TLS without a Secret, and mTLS without TLS', () => {
    expect(renderError({ 'webhook.tls.enabled': true })).toContain('webhook.tls.enabled needs webhook.tls.secretName');
    expect(renderError({ 'webhook.tls.clientCaSecretName': 'ca' })).toContain('webhook.tls.clientCaSecretName (mTLS) needs webhook.tls.enabled');
  }, 120_000);
});

describe('chart: serviceAccount webhook auth (helm template)', () => {
  const grantsTokenReviews = (docs: Doc[]) =>
    docs.filter((d) => d.kind === 'ClusterRole' || d.kind === 'Role').some((d) => (d.rules ?? []).some((r) => r.resources.includes('tokenreviews') && r.verbs.includes('create')));

  it('grants create on tokenreviews in the ClusterRole only when webhook.serviceAccountAuth.enabled', () => {
    expect(grantsTokenReviews(render())).toBe(false);
    const on = render({ 'webhook.serviceAccountAuth.enabled': true });
    expect(one(on, 'ClusterRole').rules).toContainEqual({ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] });
    // Namespaced RBAC too: TokenReviews are cluster-scoped, so still the ClusterRole.
    const namespaced = render({ 'webhook.serviceAccountAuth.enabled': true, 'rbac.namespaced': true, watchNamespace: 'shop' });
    expect(one(namespaced, 'ClusterRole').rules).toContainEqual({ apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] });
  }, 120_000);
});
