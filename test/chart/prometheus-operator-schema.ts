/**
 * Strict validation of the Prometheus Operator's custom resources the chart renders
 * (ServiceMonitor, PrometheusRule), against the npm package @kubernetes-models/prometheus-operator
 * (pinned; generated from the operator's own CRDs). Its `validate()` checks types, required
 * fields, enums and patterns but lets unknown fields through, and it ships no schema as data, so
 * unknown fields are found by its TypeScript declarations: each object becomes an object literal
 * typed as the resource, and the TypeScript checker reports any property the type does not have
 * (excess property checks reach every nested literal), any missing required one and any wrong type.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { REPO, isObject, pointerToPath } from './chart-files.ts';

const PACKAGE = '@kubernetes-models/prometheus-operator';
const GROUP_VERSION = 'monitoring.coreos.com/v1';

export const isPrometheusOperator = (apiVersion: string): boolean => apiVersion === GROUP_VERSION;

/** Each value as a TypeScript literal, one property per line; `paths[i]` is the JSON path of line i. */
function literal(value: unknown, path: string, lines: string[], paths: string[], prefix: string, suffix: string): void {
  const push = (text: string) => {
    lines.push(text);
    paths.push(path || '.');
  };
  if (Array.isArray(value)) {
    push(`${prefix}[`);
    value.forEach((v, i) => literal(v, `${path}[${i}]`, lines, paths, '', ','));
    push(`]${suffix}`);
  } else if (isObject(value)) {
    push(`${prefix}{`);
    for (const [k, v] of Object.entries(value)) literal(v, path ? `${path}.${k}` : k, lines, paths, `${JSON.stringify(k)}: `, ',');
    push(`}${suffix}`);
  } else {
    push(`${prefix}${JSON.stringify(value)}${suffix}`);
  }
}

async function runtimeErrors(object: { kind: string }): Promise<string[]> {
  const mod = (await import(`${PACKAGE}/monitoring.coreos.com/v1/${object.kind}`)) as Record<string, new (o: unknown) => { validate(): void }>;
  const Model = mod[object.kind];
  if (!Model) return [`.: ${PACKAGE} has no ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (err) {
    const errors = (err as { errors?: { instancePath: string; message?: string }[] }).errors;
    return errors ? errors.map((e) => `${pointerToPath(e.instancePath)}: ${e.message}`) : [String(err)];
  }
}

/** Errors of each object (same order); [] for a valid one. One TypeScript program checks them all. */
export async function prometheusOperatorErrors(objects: { apiVersion: string; kind: string }[]): Promise<string[][]> {
  const out = await Promise.all(objects.map(runtimeErrors));
  const lines: string[] = [];
  const paths: string[] = [];
  const owner: number[] = [];
  const kinds = [...new Set(objects.map((o) => o.kind))];
  lines.push(...kinds.map((k) => `import type { I${k} } from '${PACKAGE}/monitoring.coreos.com/v1/${k}';`));
  paths.push(...kinds.map(() => '.'));
  owner.push(...kinds.map(() => -1));
  objects.forEach((o, i) => {
    const before = lines.length;
    literal(o, '', lines, paths, `export const o${i}: I${o.kind} = `, ';');
    for (let l = before; l < lines.length; l++) owner.push(i);
  });
  const file = join(REPO, 'test/chart/.prometheus-operator-check.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] };
  const host = ts.createCompilerHost(options);
  const text = lines.join('\n');
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === file ? text : readFile(f));
  host.fileExists = ((exists) => (f: string) => f === file || exists(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, text, lang) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([file], options, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file?.fileName !== file || d.start === undefined) throw new Error(`TypeScript: ${message} (${d.file?.fileName ?? 'no file'})`);
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    if (owner[line] < 0) throw new Error(`TypeScript cannot load ${PACKAGE} (${dirname(file)}): ${message}`);
    out[owner[line]].push(`${paths[line]}: ${message.replace(/ in type '[^']*'/, '')}`);
  }
  return out;
}
