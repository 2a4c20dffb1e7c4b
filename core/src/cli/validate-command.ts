import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Compile } from 'typebox/compile';
import { checkSchema } from '@zen-watcher/sdk/host';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { SourceSpecSchema, type SourceSpec } from '../config/source-spec.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { discoverPlugins, type LoadedPlugin } from '../plugins/discovery.js';
import { SourceInstance } from '../runtime/source-instance.js';
import { crdFiles } from './crds.js';
import { loadConfig } from '../config/load-config.js';
import { printWarning } from './print-error.js';

interface Problem {
  file: string;
  doc: number;
  name: string;
  path: string;
  message: string;
}

function ingesterSchema(): unknown {
  for (const { text } of crdFiles()) {
    for (const d of parseAllDocuments(text)) {
      const crd = d.toJS() as { spec?: { names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: unknown } }[] } };
      if (crd?.spec?.names?.kind === 'Ingester') return crd.spec.versions?.find((v) => v.name === 'v1alpha1')?.schema?.openAPIV3Schema;
    }
  }
  throw new Error('no Ingester CRD found');
}

/** OpenAPI's Kubernetes extensions mean nothing to a JSON Schema validator: strip them. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-kubernetes-') || k === 'nullable') continue;
    out[k] = toJsonSchema(v);
  }
  return out;
}

/**
 * Checks Ingester manifests offline: against the CRD schema, the host's own spec rules and each
 * plugin's config schema, exactly as a running host would accept them.
 */
export function validateIngesters(files: string[], plugins: ReadonlyMap<string, LoadedPlugin>): Problem[] {
  const crd = Compile(toJsonSchema(ingesterSchema()) as never);
  const problems: Problem[] = [];
  const metrics = createHostMetrics({ defaultMetrics: false });
  const log = pino({ level: 'silent' });
  for (const file of files) {
    let docs;
    try {
      docs = parseAllDocuments(readFileSync(file, 'utf8'));
    } catch (err) {
      problems.push({ file, doc: 0, name: '', path: '', message: (err as Error).message });
      continue;
    }
    docs.forEach((d, i) => {
      const doc = i + 1;
      if (d.errors.length > 0) {
        problems.push({ file, doc, name: '', path: '', message: d.errors[0].message });
        return;
      }
      const obj = d.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: unknown } | null;
      if (!obj || obj.kind !== 'Ingester') return;
      const name = `${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? '(no name)'}`;
      const add = (path: string, message: string) => problems.push({ file, doc, name, path, message });
      if (obj.apiVersion !== 'zen.kube-zen.io/v1alpha1') add('apiVersion', `must be zen.kube-zen.io/v1alpha1, not ${JSON.stringify(obj.apiVersion)}`);
      if (!obj.metadata?.name) add('metadata.name', 'is required');
      for (const e of crd.Errors(obj) as Iterable<{ instancePath: string; message: string }>) add(e.instancePath.slice(1).replaceAll('/', '.') || '(root)', e.message);
      const specIssues = checkSchema(SourceSpecSchema, obj.spec);
      for (const issue of specIssues) add(`spec${issue.path === '/' ? '' : issue.path.replaceAll('/', '.')}`, issue.message);
      if (specIssues.length > 0) return;
      const built = SourceInstance.build(plugins, {
        id: name,
        spec: obj.spec as SourceSpec,
        namespace: obj.metadata?.namespace ?? 'default',
        scope: [],
        defaultTtlSeconds: 0,
        dedupWindowSeconds: 0,
        defaultPath: '/ingest/x',
        log,
        registry: new Registry(),
        metrics,
        emit: () => undefined,
      });
      if (!built.ok) add('spec', `${built.reason}: ${built.message}`);
    });
  }
  return problems;
}

/** `zen-watcher validate <file.yaml>…` */
export async function validateCommand(env: NodeJS.ProcessEnv, files: string[]): Promise<number> {
  if (files.length === 0) {
    process.stderr.write('usage: zen-watcher validate <file.yaml>...\n');
    return 2;
  }
  const { config } = loadConfig({ ...env, ZW_MODE: 'local' });
  const plugins = await discoverPlugins({ configured: config.plugins, onShadowed: (c) => printWarning(c.message) });
  const problems = validateIngesters(files, plugins);
  for (const p of problems) process.stdout.write(`${p.file}: document ${p.doc}${p.name ? ` (Ingester ${p.name})` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
  if (problems.length === 0) process.stdout.write(`${files.length} file(s) valid\n`);
  return problems.length === 0 ? 0 : 1;
}
