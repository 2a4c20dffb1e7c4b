/**
 * The chart as a real Helm 3 renders and lints it (the helm binary of test/tools/k8s-tools.ts).
 * Values are handed to helm as files, exactly as a user's `-f values.yaml` would be.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { k8sTool } from '../tools/k8s-tools.ts';
import { CHART, isObject, type JsonObject } from './chart-files.ts';

/** The Kubernetes version the chart is rendered and checked for. */
export const KUBE_VERSION = '1.32.0';

export interface HelmInput {
  /** Values files (paths), applied in order, as `-f`. */
  files?: string[];
  /** Values applied last, as one more `-f` file. */
  values?: JsonObject;
  release?: string;
  namespace?: string;
}

/** A rendered object, with the template it came from (helm's `# Source:` line). */
export interface Rendered extends JsonObject {
  apiVersion: string;
  kind: string;
  metadata: JsonObject & { name: string; namespace?: string };
}
export interface RenderedDoc {
  source: string;
  object: Rendered;
}

export interface HelmResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function helm(args: string[], input: HelmInput): HelmResult {
  const dir = mkdtempSync(join(tmpdir(), 'zw-helm-'));
  try {
    const files = [...(input.files ?? [])];
    if (input.values) {
      files.push(join(dir, 'values.json'));
      writeFileSync(files.at(-1)!, JSON.stringify(input.values));
    }
    const r = spawnSync(k8sTool('helm'), [...args, ...files.flatMap((f) => ['-f', f])], {
      encoding: 'utf8',
      // No user or machine Helm config leaks in (repositories, plugins, caches).
      env: { PATH: process.env.PATH, HOME: dir, HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data') },
    });
    if (r.error) throw r.error;
    return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `helm template`; throws with helm's message when it fails. */
export function renderChart(input: HelmInput = {}): RenderedDoc[] {
  const r = templateChart(input);
  if (!r.ok) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseRendered(r.stdout);
}

/** `helm template`, failure included (for values that must be refused). */
export function templateChart(input: HelmInput = {}): HelmResult {
  return helm(['template', input.release ?? 'zw', CHART, '--namespace', input.namespace ?? 'zen-system', '--kube-version', KUBE_VERSION], input);
}

/** `helm lint --strict` (warnings fail too). */
export function lintChart(input: HelmInput = {}): HelmResult {
  return helm(['lint', CHART, '--strict', '--namespace', input.namespace ?? 'zen-system', '--kube-version', KUBE_VERSION], input);
}

function parseRendered(stdout: string): RenderedDoc[] {
  const out: RenderedDoc[] = [];
  // helm separates documents with `---` and heads each with `# Source: <chart>/templates/<file>`.
  for (const chunk of stdout.split(/^---$/m)) {
    const source = /^# Source: [^/]+\/(\S+)/m.exec(chunk)?.[1] ?? '?';
    for (const doc of parseAllDocuments(chunk)) {
      if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML in ${source}: ${doc.errors.map(String).join('; ')}`);
      const object = doc.toJS() as unknown;
      if (object == null) continue;
      if (!isObject(object)) throw new Error(`${source}: rendered a document that is not an object: ${JSON.stringify(object)}`);
      out.push({ source, object: object as Rendered });
    }
  }
  return out;
}

/** The one rendered object of a kind (and name, when given); throws when there is not exactly one. */
export function only(docs: RenderedDoc[], kind: string, name?: string): Rendered {
  const found = docs.filter((d) => d.object.kind === kind && (name === undefined || d.object.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, rendered ${found.length}`);
  return found[0].object;
}

/**
 * The fields helm's own values.schema.json check refuses (`leaderElection.electionId`), from
 * `helm template`'s error; [] when helm renders. Throws when helm fails for another reason.
 */
export function valuesSchemaErrors(input: HelmInput): string[] {
  const r = templateChart(input);
  if (r.ok) return [];
  if (!r.stderr.includes("values don't meet the specifications of the schema")) throw new Error(`helm template failed, not on the values schema:\n${r.stderr}`);
  return [...r.stderr.matchAll(/^- (\S+): (.*)$/gm)].map(([, path, message]) => {
    const at = path === '(root)' ? '' : path;
    const extra = /^Additional property (\S+) is not allowed/.exec(message)?.[1];
    return extra ? [at, extra].filter(Boolean).join('.') : at;
  });
}
