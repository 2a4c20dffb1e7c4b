/**
 * The templates and values.yaml against each other: what the templates read from values exists
 * in values.yaml, every value is read somewhere, and values.yaml is described by the schema. What
 * the templates render is checked on the output of a real `helm template` (helm-chart.ts): the
 * files they include, and the env vars, port and probes of the Deployment. render.test.ts lints
 * and validates the whole output.
 */
import { join } from 'node:path';
import { parseDocument, isMap, isScalar, type YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '@zen-watcher/core';
import { CHART, chartValues, isObject, listFiles, readText, readYaml, valuesSchema, type JsonObject } from './chart-files.ts';
import { only, renderChart } from './helm-chart.ts';

const TEMPLATES = join(CHART, 'templates');
const templateFiles = listFiles(TEMPLATES, '.yaml', '.tpl', '.txt');
const template = (f: string): string => readText(join(TEMPLATES, f));

/** `.Values.a.b` paths a template reads, following `$x := .Values.a` aliases and `index .Values.a "b"`. */
function valuePaths(text: string): string[] {
  const paths = new Set<string>();
  const aliases = new Map<string, string>();
  // `$x := .Values.a` aliases .Values.a; `range $k, $v := .Values.a` does not (its $v is an element).
  for (const m of text.matchAll(/(range\s+(?:\$\w+\s*,\s*)?)?\$(\w+)\s*:=\s*\.Values((?:\.\w+)+)(?![\w.])/g)) {
    if (!m[1]) aliases.set(m[2], m[3].slice(1));
  }
  for (const m of text.matchAll(/\.Values((?:\.\w+)+)/g)) paths.add(m[1].slice(1));
  for (const m of text.matchAll(/index\s+\.Values((?:\.\w+)*)\s+"([^"]+)"/g)) paths.add([m[1].slice(1), m[2]].filter(Boolean).join('.'));
  for (const [alias, prefix] of aliases) {
    for (const m of text.matchAll(new RegExp(`\\$${alias}((?:\\.\\w+)+)`, 'g'))) paths.add(`${prefix}${m[1]}`);
  }
  return [...paths].sort();
}

function hasPath(values: JsonObject, path: string): boolean {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (!isObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return false;
    node = node[key];
  }
  return true;
}

type SchemaNode = { properties?: Record<string, SchemaNode>; description?: string; additionalProperties?: unknown };

/** Schema node of a defined object (properties, closed): its keys are checked one by one. */
const isDefined = (s: SchemaNode | undefined): s is SchemaNode & { properties: Record<string, SchemaNode> } =>
  !!s && isObject(s.properties) && s.additionalProperties === false;

describe('templates', () => {
  it.each(templateFiles)('%s reads only values that values.yaml has', (file) => {
    const values = chartValues();
    const missing = valuePaths(template(file)).filter((p) => !hasPath(values, p));
    expect(missing).toEqual([]);
  });

  it('read every value of values.yaml somewhere (no dead settings)', () => {
    const all = templateFiles.map(template).join('\n');
    const used = valuePaths(all);
    const dead: string[] = [];
    const walk = (node: unknown, schema: SchemaNode | undefined, path: string): void => {
      if (!isObject(node)) return;
      for (const [k, v] of Object.entries(node)) {
        const p = path ? `${path}.${k}` : k;
        const child = schema?.properties?.[k];
        // sources.<plugin> is read by a range over .Values.sources.
        if (path === 'sources') continue;
        if (isDefined(child) && isObject(v)) walk(v, child, p);
        else if (!used.some((u) => u === p || u.startsWith(`${p}.`) || p.startsWith(`${u}.`))) dead.push(p);
      }
    };
    walk(chartValues(), valuesSchema() as SchemaNode, '');
    expect(dead).toEqual([]);
  });

  it('include the chart files they name, in full (Helm renders a missing file as nothing)', () => {
    const docs = renderChart({ values: { prometheusRule: { enabled: true }, dashboards: { enabled: true } } });
    const dashboards = only(docs, 'ConfigMap', 'zw-zen-watcher-dashboards').data as JsonObject;
    expect(Object.keys(dashboards).sort()).toEqual(listFiles(join(CHART, 'dashboards'), '.json'));
    for (const [file, text] of Object.entries(dashboards)) expect(JSON.parse(String(text))).toEqual(JSON.parse(readText(join(CHART, 'dashboards', file))));
    const alerts = [...readText(join(CHART, 'files/prometheus-rules.yaml')).matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const groups = ((only(docs, 'PrometheusRule').spec as JsonObject).groups as { rules: { alert: string }[] }[]);
    expect(groups.flatMap((g) => g.rules.map((r) => r.alert))).toEqual(alerts);
    const granted = (only(docs, 'ClusterRole').rules as JsonObject[]).flatMap((r) => r.resources as string[]);
    expect(granted).toEqual(expect.arrayContaining(['observations', 'ingesters', 'vulnerabilityreports', 'policyreports']));
  });

  it('call only helpers that _helpers.tpl defines', () => {
    const defined = new Set([...templateFiles.map(template).join('\n').matchAll(/define\s+"([^"]+)"/g)].map((m) => m[1]));
    for (const file of templateFiles) {
      for (const m of template(file).matchAll(/(?:include|template)\s+"([^"]+)"/g)) expect(defined, `${file}: ${m[1]}`).toContain(m[1]);
    }
  });

  const container = (values: JsonObject = {}) => {
    const pod = ((only(renderChart({ values }), 'Deployment').spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] };
    expect(pod.containers).toHaveLength(1);
    return pod.containers[0] as JsonObject & { env: { name: string; value?: string }[] };
  };

  it('set on the Deployment only env vars the host reads', () => {
    const names = container({ plugins: ['@acme/zen-watcher-plugin-foo'], config: { sources: [] }, watchNamespace: 'a', rbac: { namespaced: true } }).env.map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['POD_NAME', 'POD_NAMESPACE', 'WATCH_NAMESPACE', 'LEADER_ELECTION_MODE', 'LEADER_ELECTION_ID', 'ZW_MODE', 'PLUGINS', 'ZW_CONFIG', 'WATCH_CLUSTER_SCOPED']));
    const known = new Set([...Object.keys(ENV_VARS), 'ZW_CONFIG']);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('let an env entry replace the chart\'s variable of the same name, once', () => {
    const env = container({ env: [{ name: 'WATCH_NAMESPACE', value: 'prod-a,prod-b' }] }).env;
    expect(env.filter((e) => e.name === 'WATCH_NAMESPACE')).toEqual([{ name: 'WATCH_NAMESPACE', value: 'prod-a,prod-b' }]);
  });

  // With webhook.tls.enabled, HTTPS moves to 8443 and 8080 serves only probes and /metrics: webhook-tls.test.ts.
  it('serve one port named http on 8080, probed on /healthz and /readyz, in cluster mode', () => {
    const c = container();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(c.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(c.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'PORT', value: '8080' }, { name: 'ZW_MODE', value: 'cluster' }]));
  });
});

/** Keys the schema allows that values.yaml leaves out on purpose. */
const OPTIONAL_KEYS = new Set(['global', 'resources.requests.ephemeral-storage', 'resources.limits.ephemeral-storage']);

describe('values.yaml', () => {
  it('is described by values.schema.json, key by key', () => {
    const undescribed: string[] = [];
    const walk = (node: unknown, schema: SchemaNode, path: string): void => {
      if (!isObject(node)) return;
      for (const [k, v] of Object.entries(node)) {
        const child = schema.properties?.[k];
        if (!child || typeof child.description !== 'string' || child.description.length === 0) undescribed.push(`${path}${k}`);
        else if (isDefined(child)) walk(v, child, `${path}${k}.`);
      }
    };
    walk(chartValues(), valuesSchema() as SchemaNode, '');
    expect(undescribed).toEqual([]);
  });

  it('holds every key the schema defines (values.yaml is the documentation)', () => {
    const absent: string[] = [];
    const walk = (schema: SchemaNode, node: unknown, path: string): void => {
      for (const [k, child] of Object.entries(schema.properties ?? {})) {
        if (OPTIONAL_KEYS.has(`${path}${k}`)) continue;
        if (!isObject(node) || !(k in node)) absent.push(`${path}${k}`);
        else if (isDefined(child)) walk(child, node[k], `${path}${k}.`);
      }
    };
    walk(valuesSchema() as SchemaNode, chartValues(), '');
    expect(absent).toEqual([]);
  });

  it('documents every setting with a "# --" comment on it or on the object holding it', () => {
    const doc = parseDocument(readText(join(CHART, 'values.yaml')));
    const undocumented: string[] = [];
    const walk = (map: YAMLMap, schema: SchemaNode, path: string, documented: boolean): void => {
      map.items.forEach((pair, i) => {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        // The comment above a nested map's first key is attached to the map.
        const comment = (pair.key as { commentBefore?: string }).commentBefore ?? (i === 0 ? map.commentBefore : undefined);
        const here = documented || /(^|\n)\s*--/.test(comment ?? '');
        const child = schema.properties?.[key];
        if (isDefined(child) && isMap(pair.value)) walk(pair.value, child, `${path}${key}.`, here);
        else if (!here) undocumented.push(`${path}${key}`);
      });
    };
    if (!isMap(doc.contents)) throw new Error('values.yaml is not a map');
    walk(doc.contents, valuesSchema() as SchemaNode, '', false);
    expect(undocumented).toEqual([]);
  });
});

describe('Chart.yaml', () => {
  it('is a v2 application chart zen-watcher 0.1.0', () => {
    expect(readYaml(join(CHART, 'Chart.yaml'))).toMatchObject({ apiVersion: 'v2', name: 'zen-watcher', version: '0.1.0', appVersion: '0.1.0', type: 'application' });
  });
});
