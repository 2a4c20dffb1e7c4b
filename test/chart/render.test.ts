/**
 * The chart as a real Helm 3 renders it for Kubernetes 1.32 (helm-chart.ts): `helm lint --strict`
 * and `helm template` for the default values, every file of examples/values/, and every optional
 * part switched on (test/chart/values/), each rendered object checked strictly by the schema that
 * owns its type (manifest-errors.ts): unknown fields, wrong types and missing required fields fail,
 * as `kubectl apply --validate=strict` would.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART, EXAMPLE_VALUES, REPO, isObject, listFiles, readYamlDocs, type JsonObject } from './chart-files.ts';
import { lintChart, only, renderChart, type HelmInput, type RenderedDoc } from './helm-chart.ts';
import { kubeErrors } from './kube-schema.ts';
import { manifestErrors } from './manifest-errors.ts';

const VALUES = join(REPO, 'test/chart/values');
const EVERYTHING = join(VALUES, 'everything-on.yaml');
const NAMESPACED = join(VALUES, 'everything-on-namespaced.yaml');

const SCENARIOS: [string, HelmInput][] = [
  ['the default values', {}],
  ...listFiles(EXAMPLE_VALUES, '.yaml').map((f): [string, HelmInput] => [`examples/values/${f}`, { files: [join(EXAMPLE_VALUES, f)] }]),
  ['every optional part on', { files: [EVERYTHING] }],
  ['every optional part on, granted per namespace', { files: [EVERYTHING, NAMESPACED] }],
];

const rendered = new Map<string, RenderedDoc[]>();
const render = (name: string, input: HelmInput): RenderedDoc[] => {
  if (!rendered.has(name)) rendered.set(name, renderChart(input));
  return rendered.get(name)!;
};

const label = (d: RenderedDoc) => `${d.source}: ${d.object.kind} ${d.object.metadata.namespace ?? ''}/${d.object.metadata.name}`;

/** Problems the API server's ObjectMeta validation would answer 422 for. */
function metaProblems(meta: JsonObject & { name: string }): string[] {
  const out: string[] = [];
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(meta.name) || meta.name.length > 253) out.push(`name ${meta.name}: not a DNS-1123 subdomain`);
  const labels = isObject(meta.labels) ? meta.labels : {};
  for (const [k, v] of Object.entries(labels)) {
    const name = k.split('/').pop()!;
    if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) || name.length > 63) out.push(`label key ${k}`);
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) out.push(`label ${k}=${JSON.stringify(v)}`);
  }
  return out;
}

describe.each(SCENARIOS)('the chart with %s', (name, input) => {
  it('passes helm lint --strict', () => {
    const r = lintChart(input);
    expect(r.ok, `${r.stdout}\n${r.stderr}`).toBe(true);
    expect(r.stdout).toContain('0 chart(s) failed');
  });

  it('renders only objects valid for Kubernetes 1.32 and their CRDs, strictly', async () => {
    const docs = render(name, input);
    expect(docs.length).toBeGreaterThan(5);
    const errors = await manifestErrors(docs.map((d) => d.object));
    expect(docs.flatMap((d, i) => errors[i].map((e) => `${label(d)}: ${e}`))).toEqual([]);
  });

  it('renders names and labels the API server accepts, one object per kind, namespace and name', () => {
    const docs = render(name, input);
    expect(docs.flatMap((d) => metaProblems(d.object.metadata).map((p) => `${label(d)}: ${p}`))).toEqual([]);
    const keys = docs.map((d) => `${d.object.apiVersion} ${d.object.kind} ${d.object.metadata.namespace ?? ''}/${d.object.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });
});

describe('the values with every optional part on', () => {
  it('render every template', () => {
    const templates = listFiles(join(CHART, 'templates'), '.yaml').map((f) => `templates/${f}`);
    const sources = new Set(render('every optional part on', { files: [EVERYTHING] }).map((d) => d.source));
    expect([...sources].sort()).toEqual(templates);
  });

  it('pass every pass-through value into the Deployment', () => {
    const deployment = only(render('every optional part on', { files: [EVERYTHING] }), 'Deployment') as JsonObject;
    const pod = ((deployment.spec as JsonObject).template as JsonObject).spec as JsonObject;
    expect(pod).toMatchObject({ priorityClassName: 'system-cluster-critical', imagePullSecrets: [{ name: 'regcred' }], nodeSelector: { 'kubernetes.io/os': 'linux' } });
    expect((pod.volumes as JsonObject[]).map((v) => v.name)).toEqual(['tmp', 'config', 'ca']);
    expect(pod.affinity).toHaveProperty('podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution');
  });
});

describe('the strict check', () => {
  // A check that passes everything proves nothing: each of these must be refused, at its field.
  it('refuses an unknown field that a values pass-through carries into the Deployment', async () => {
    const docs = renderChart({ values: { extraVolumes: [{ name: 'ca', emptyDirr: {} }] } });
    const [errors] = await manifestErrors([only(docs, 'Deployment')]);
    expect(errors).toEqual(['spec.template.spec.volumes[1].emptyDirr: unknown field (not in io.k8s.api.core.v1.Volume)']);
  });

  it('refuses wrong types, missing required fields and bad quantities in built-in objects', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', labelz: {} }, spec: { ports: [{ port: '8080' }, { name: 'no-port' }] } };
    expect(kubeErrors(service)).toEqual([
      'metadata.labelz: unknown field (not in io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta)',
      'spec.ports[0].port: expected a number, got "8080"',
      'spec.ports[1].port: required (by io.k8s.api.core.v1.ServicePort)',
    ]);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '512MB' } } }] } };
    expect(kubeErrors(pod)).toEqual(['spec.containers[0].resources.limits.memory: expected a quantity, got "512MB"']);
    expect(kubeErrors({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } })).toEqual(['.: autoscaling/v2beta2 HorizontalPodAutoscaler is not a resource of Kubernetes v1.32']);
  });

  it('refuses unknown fields in our Ingester and in the Prometheus Operator\'s resources', async () => {
    const docs = renderChart({ files: [EVERYTHING] });
    const ingester = structuredClone(only(docs, 'Ingester')) as unknown as JsonObject & { spec: JsonObject; metadata: JsonObject };
    ingester.spec.filterz = {};
    ingester.metadata.annotationz = {};
    const monitor = structuredClone(only(docs, 'ServiceMonitor')) as unknown as JsonObject & { spec: { endpoints: JsonObject[] } };
    monitor.spec.endpoints[0].scrapeTimout = '5s';
    const rule = structuredClone(only(docs, 'PrometheusRule')) as unknown as JsonObject & { spec: { groups: { rules: JsonObject[] }[] } };
    rule.spec.groups[0].rules[0].expresion = 'up';
    const [i, m, r] = await manifestErrors([ingester, monitor, rule] as never[]);
    expect(i).toEqual(expect.arrayContaining([expect.stringMatching(/^spec/), 'metadata.annotationz: unknown field (not in io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta)']));
    expect(m).toEqual([expect.stringMatching(/^spec\.endpoints\[0\]\.scrapeTimout: .*known properties/)]);
    expect(r).toEqual([expect.stringMatching(/^spec\.groups\[0\]\.rules\[0\]\.expresion: .*known properties/)]);
  });

  it('knows no type it cannot vouch for', async () => {
    expect(await manifestErrors([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' }])).toEqual([['.: no schema for cert-manager.io/v1 Certificate']]);
  });
});

describe('crds/', () => {
  it.each(listFiles(join(CHART, 'crds'), '.yaml'))('%s is a valid CustomResourceDefinition of Kubernetes 1.32, strictly', (file) => {
    for (const crd of readYamlDocs(join(CHART, 'crds', file))) expect(kubeErrors(crd)).toEqual([]);
  });
});
