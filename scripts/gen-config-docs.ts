/**
 * Renders docs/configuration.md from the real schemas: the host's environment variables
 * (ENV_VARS) and config-file keys (HostConfigSchema), the Ingester spec (SourceSpecSchema, with
 * the field descriptions of the Ingester CRD), and the `config` schema of every bundled plugin.
 *
 * Run through vitest (it resolves @zen-watcher/* to their sources):
 *   ZW_WRITE_DOCS=1 npx vitest run test/docs   writes the file
 *   npx vitest run test/docs                   fails when the file is stale
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ENV_VARS, HostConfigSchema, SourceSpecSchema } from '@zen-watcher/core';
import { type Plugin } from '@zen-watcher/sdk';
import { resolveWithDefaults, watchedResources } from '@zen-watcher/sdk/host';

/** Where the rendered document lives. */
export const CONFIG_DOCS_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

const INGESTER_CRD = fileURLToPath(new URL('../charts/zen-watcher/crds/ingesters.zen.kube-zen.io.yaml', import.meta.url));

/** The bundled plugins, in the order the host lists them (core/src/plugins/bundled.ts). */
const BUNDLED: { dir: string; packageName: string; load: () => Promise<unknown> }[] = [
  { dir: 'falco', packageName: '@zen-watcher/plugin-falco', load: () => import('@zen-watcher/plugin-falco') },
  { dir: 'audit', packageName: '@zen-watcher/plugin-audit', load: () => import('@zen-watcher/plugin-audit') },
  { dir: 'webhook', packageName: '@zen-watcher/plugin-webhook', load: () => import('@zen-watcher/plugin-webhook') },
  { dir: 'trivy', packageName: '@zen-watcher/plugin-trivy', load: () => import('@zen-watcher/plugin-trivy') },
  { dir: 'kyverno', packageName: '@zen-watcher/plugin-kyverno', load: () => import('@zen-watcher/plugin-kyverno') },
  { dir: 'configmap', packageName: '@zen-watcher/plugin-configmap', load: () => import('@zen-watcher/plugin-configmap') },
  { dir: 'k8s-events', packageName: '@zen-watcher/plugin-k8s-events', load: () => import('@zen-watcher/plugin-k8s-events') },
];

/** A JSON Schema node as typebox 1.x builds it. */
interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  const?: unknown;
  default?: unknown;
  description?: string;
  [key: string]: unknown;
}

interface Row {
  path: string;
  type: string;
  default: string;
  constraints: string;
  description: string;
}

interface WalkOptions {
  /** Paths not to descend into, with the type text shown for them. */
  opaque?: Record<string, string>;
  /** Description of a path when the schema node has none. */
  describe?: (path: string) => string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Schema walking

function enumValues(node: SchemaNode): unknown[] | undefined {
  if (!node.anyOf || node.anyOf.length === 0) return undefined;
  return node.anyOf.every((n) => 'const' in n) ? node.anyOf.map((n) => n.const) : undefined;
}

function typeOf(node: SchemaNode): string {
  const values = enumValues(node);
  if (values) return [...new Set(values.map((v) => typeof v))].join(' or ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array') return node.items ? `list of ${typeOf(node.items)}` : 'list';
  if (node.type === 'object') {
    const value = node.patternProperties ? Object.values(node.patternProperties)[0] : undefined;
    if (value && !node.properties) return `map of string to ${typeOf(value)}`;
    return 'object';
  }
  return node.type ?? 'any';
}

function code(text: string): string {
  // A code span holding backticks needs a longer fence.
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function literal(value: unknown): string {
  return typeof value === 'string' ? (value === '' ? '`""`' : code(value)) : code(JSON.stringify(value));
}

function formatDefault(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '`[]`';
    if (value.every((v) => typeof v === 'string')) return value.map((v) => code(v as string)).join(', ');
  }
  return literal(value);
}

function scalarConstraints(node: SchemaNode): string[] {
  const out: string[] = [];
  const values = enumValues(node);
  if (values) out.push(`one of ${values.map(literal).join(', ')}`);
  const min = node.minimum as number | undefined;
  const max = node.maximum as number | undefined;
  const exMin = node.exclusiveMinimum as number | undefined;
  const exMax = node.exclusiveMaximum as number | undefined;
  if (min !== undefined && max !== undefined) out.push(`${min} to ${max}`);
  else if (min !== undefined) out.push(`≥ ${min}`);
  else if (max !== undefined) out.push(`≤ ${max}`);
  if (exMin !== undefined) out.push(`> ${exMin}`);
  if (exMax !== undefined) out.push(`< ${exMax}`);
  const minLength = node.minLength as number | undefined;
  const maxLength = node.maxLength as number | undefined;
  if (minLength !== undefined && maxLength !== undefined) out.push(`length ${minLength} to ${maxLength}`);
  else if (minLength !== undefined) out.push(`length ≥ ${minLength}`);
  else if (maxLength !== undefined) out.push(`length ≤ ${maxLength}`);
  if (typeof node.pattern === 'string') out.push(`pattern ${code(node.pattern)}`);
  if (typeof node.format === 'string') out.push(`format ${node.format}`);
  return out;
}

function constraintsOf(node: SchemaNode): string {
  const out = scalarConstraints(node);
  if (node.type === 'array') {
    const minItems = node.minItems as number | undefined;
    if (minItems !== undefined) out.push(`at least ${minItems} item${minItems === 1 ? '' : 's'}`);
    if (node.maxItems !== undefined) out.push(`at most ${node.maxItems as number} items`);
    if (node.uniqueItems === true) out.push('no duplicates');
    const items = node.items ? scalarConstraints(node.items) : [];
    if (items.length > 0) out.push(`each: ${items.join(', ')}`);
  }
  if (node.type === 'object') {
    if (node.maxProperties !== undefined) out.push(`at most ${node.maxProperties as number} entries`);
    const value = node.patternProperties ? Object.values(node.patternProperties)[0] : undefined;
    const values = value ? scalarConstraints(value) : [];
    if (values.length > 0) out.push(`values: ${values.join(', ')}`);
  }
  return out.join('; ');
}

function isPlainObjectNode(node: SchemaNode): boolean {
  return node.type === 'object' && node.properties !== undefined;
}

function walk(node: SchemaNode, path: string, required: boolean, rows: Row[], options: WalkOptions): void {
  const describe = (p: string, n: SchemaNode) => n.description ?? options.describe?.(p) ?? '';
  const row = (type = typeOf(node)): Row => {
    const constraints = constraintsOf(node);
    const req = required && node.default === undefined;
    return {
      path,
      type,
      default: formatDefault(isPlainObjectNode(node) ? undefined : node.default),
      constraints: [req ? 'required' : '', constraints].filter(Boolean).join('; '),
      description: describe(path, node),
    };
  };
  const opaque = options.opaque?.[path];
  if (opaque !== undefined) {
    rows.push(row(opaque));
    return;
  }
  if (isPlainObjectNode(node)) {
    // A group of settings is listed by its fields; it gets a row of its own only to carry a description.
    if (path !== '' && describe(path, node)) rows.push(row());
    for (const [key, child] of Object.entries(node.properties!)) {
      walk(child, path === '' ? key : `${path}.${key}`, node.required?.includes(key) ?? false, rows, options);
    }
    return;
  }
  if (node.type === 'array' && node.items && isPlainObjectNode(node.items)) {
    rows.push(row('list of objects'));
    for (const [key, child] of Object.entries(node.items.properties!)) {
      walk(child, `${path}[].${key}`, node.items.required?.includes(key) ?? false, rows, options);
    }
    return;
  }
  rows.push(row());
}

function schemaAt(root: SchemaNode, path: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const key of path.split('.')) node = node?.properties?.[key];
  return node;
}

// ---------------------------------------------------------------------------------------------
// Markdown

function cell(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('|', '\\|').trim() || ' ';
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  return lines.join('\n');
}

function schemaTable(rows: Row[], prefix = ''): string {
  return table(
    ['Key', 'Type', 'Default', 'Constraints', 'Meaning'],
    rows.map((r) => [code(prefix + r.path), r.type, r.default, r.constraints, r.description]),
  );
}

// ---------------------------------------------------------------------------------------------
// Sections

const KIND_FORMAT: Record<string, string> = {
  int: 'integer',
  number: 'number',
  duration: 'duration: seconds (`90`) or `90s`, `30m`, `1h30m`, `500ms`',
  list: 'comma-separated list',
  bool: '`true` or `false`',
  string: 'string',
};

function envSection(): string {
  const root = HostConfigSchema as unknown as SchemaNode;
  const rows = Object.entries(ENV_VARS).map(([name, spec]) => {
    const node = schemaAt(root, spec.path);
    const values = node ? enumValues(node) : undefined;
    const format = values ? `one of ${values.map(literal).join(', ')}` : KIND_FORMAT[spec.kind];
    return [code(name), code(spec.path), format, formatDefault(node?.default), spec.doc];
  });
  return [
    '## Environment variables',
    '',
    'Each variable sets one key of the host configuration (next section). An empty variable counts',
    'as unset. Besides these, `ZW_CONFIG` names the YAML config file, and `KUBECONFIG` (or the',
    "pod's service account) says where the cluster is.",
    '',
    table(['Variable', 'Config key', 'Format', 'Default', 'Meaning'], rows),
  ].join('\n');
}

function envNameOf(path: string): string | undefined {
  return Object.entries(ENV_VARS).find(([, spec]) => spec.path === path)?.[0];
}

function configFileSection(): string {
  const rows: Row[] = [];
  walk(HostConfigSchema as unknown as SchemaNode, '', false, rows, {
    opaque: { sources: 'list of source specs' },
    describe: (path) => {
      if (path === 'sources') return 'Sources run without an Ingester; each entry has the fields of an Ingester `spec` (see below).';
      const env = envNameOf(path);
      return env ? `${ENV_VARS[env].doc} (${code(env)})` : undefined;
    },
  });
  return [
    '## Config file keys',
    '',
    'The YAML file named by `ZW_CONFIG` (optional; in local mode without `ZW_CONFIG` the host',
    'reads the `config/local.yaml` shipped with `@zen-watcher/core`). Precedence: schema defaults,',
    'then the file, then environment variables. Unknown keys are refused, and every invalid key is',
    'reported at once before the host starts. Durations in the file are plain seconds.',
    '',
    schemaTable(rows),
  ].join('\n');
}

function crdDescriptions(): (path: string) => string | undefined {
  if (!existsSync(INGESTER_CRD)) return () => undefined;
  const crd = parseYaml(readFileSync(INGESTER_CRD, 'utf8')) as {
    spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: SchemaNode } }[] };
  };
  const root = crd.spec?.versions?.find((v) => v.name === 'v1alpha1')?.schema?.openAPIV3Schema;
  return (path) => {
    let node: SchemaNode | undefined = root;
    for (const part of path.split('.')) {
      const key = part.endsWith('[]') ? part.slice(0, -2) : part;
      node = node?.properties?.[key];
      if (part.endsWith('[]')) node = node?.items;
    }
    return typeof node?.description === 'string' ? node.description.trim() : undefined;
  };
}

function ingesterSection(): string {
  const rows: Row[] = [];
  const describe = crdDescriptions();
  walk(SourceSpecSchema as unknown as SchemaNode, '', false, rows, {
    opaque: { config: 'object' },
    describe: (path) => describe(`spec.${path}`),
  });
  return [
    '## Ingester spec',
    '',
    'The `spec` of an `Ingester` (`zen.kube-zen.io/v1alpha1`), and of each entry of `sources` in',
    'the config file. Meanings are the Ingester CRD\'s descriptions. Two differences for config-file',
    'sources: a webhook source is served on `/ingest/<source>` unless `webhook.path` is set, and',
    'Observations fall back to `POD_NAMESPACE` (else `default`) instead of the Ingester\'s namespace.',
    '',
    schemaTable(rows, 'spec.'),
  ].join('\n');
}

function isPlugin(value: unknown): value is Plugin {
  return !!value && typeof value === 'object' && typeof (value as Plugin).name === 'string' && ((value as Plugin).kind === 'webhook' || (value as Plugin).kind === 'informer');
}

function gvr(r: { group: string; version: string; plural: string; namespaced?: boolean }): string {
  return `${code(`${r.group || 'core'}/${r.version}/${r.plural}`)}${r.namespaced === false ? ' (cluster-scoped)' : ''}`;
}

async function pluginSection(entry: (typeof BUNDLED)[number]): Promise<string> {
  const mod = (await entry.load()) as { default?: unknown };
  const readme = `../plugins/${entry.dir}/README.md`;
  const heading = `### ${entry.dir}`;
  if (!isPlugin(mod.default)) {
    return [heading, '', `${code(entry.packageName)} exports no plugin yet.`].join('\n');
  }
  const plugin = mod.default;
  const lines = [`### ${plugin.name}`, ''];
  lines.push(`${plugin.description ? `${plugin.description}. ` : ''}Package ${code(entry.packageName)}; details in [its README](${readme}).`, '');
  const config = plugin.config as SchemaNode | undefined;
  const resolved = plugin.config ? resolveWithDefaults(plugin.config, {}) : { ok: true as const, value: {} };
  if (plugin.kind === 'webhook') {
    lines.push(`- Kind: webhook, served by every pod. Bodies: ${(plugin.accepts ?? ['json']).join(', ')}.`);
  } else {
    lines.push(`- Kind: informer, run by the leader.${plugin.semantics ? ` Semantics: ${plugin.semantics}.` : ''}`);
    if (resolved.ok) lines.push(`- Watches, with the default config: ${watchedResources(plugin, resolved.value as never).map(gvr).join(', ')}.`);
  }
  if (!config) {
    lines.push('- No configuration: `spec.config` is passed through unchecked.');
    return lines.join('\n');
  }
  if (config.additionalProperties === false) lines.push('- Unknown keys of `spec.config` are refused (reason `InvalidConfig`).');
  const rows: Row[] = [];
  walk(config, '', false, rows, {});
  lines.push('', schemaTable(rows));
  return lines.join('\n');
}

/** The whole of docs/configuration.md. Deterministic: the same schemas give the same bytes. */
export async function renderConfigDocs(): Promise<string> {
  const plugins: string[] = [];
  for (const entry of BUNDLED) plugins.push(await pluginSection(entry));
  const parts = [
    '# Configuration reference',
    '',
    '<!-- Generated by scripts/gen-config-docs.ts from the schemas in the code; do not edit by hand.',
    '     Regenerate: ZW_WRITE_DOCS=1 npx vitest run test/docs -->',
    '',
    'Everything zen-watcher can be configured with, generated from the schemas the code validates',
    'against, so it cannot drift from them. How to use these settings: [operator guide](operator-guide.md).',
    '',
    '- [Environment variables](#environment-variables)',
    '- [Config file keys](#config-file-keys)',
    '- [Ingester spec](#ingester-spec)',
    '- [Plugin configuration](#plugin-configuration)',
    '',
    envSection(),
    '',
    configFileSection(),
    '',
    ingesterSection(),
    '',
    '## Plugin configuration',
    '',
    "The keys of an Ingester's `spec.config` for each bundled plugin. Defaults are applied and the",
    'result validated before the plugin sees it; a config that does not match sets the Ingester',
    'Ready=False with reason `InvalidConfig` and a message naming each bad key.',
    '',
    plugins.join('\n\n'),
    '',
  ];
  return parts.join('\n');
}
