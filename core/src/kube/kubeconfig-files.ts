import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HostError, HostErrorCodes } from '../errors.js';

type Fields = Record<string, unknown>;

/** One named entry of a kubeconfig (a cluster, user or context), with the file it came from. */
export interface KubeconfigEntry {
  name: string;
  fields: Fields;
  file: string;
}

/** Kubeconfig files merged as kubectl does. */
export interface MergedKubeconfig {
  /** The files read, in order (missing ones left out). */
  files: string[];
  currentContext?: string;
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
}

// The fields that name files: relative paths are relative to the kubeconfig that holds them.
const PATH_FIELDS: Record<'cluster' | 'user', string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'token-file'],
};

const invalid = (message: string) => new HostError(HostErrorCodes.HOST_CONFIG_INVALID, message);

/**
 * Reads and merges kubeconfig files by kubectl's rules: a missing file is skipped, the first
 * file to define a cluster, user or context name wins it whole, and the first `current-context`
 * set wins. Paths in a file are resolved against that file's directory.
 */
export function readKubeconfigs(paths: readonly string[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const path of paths) {
    const file = resolve(path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw invalid(`kubeconfig ${file}: cannot read it: ${(err as Error).message}`);
    }
    merged.files.push(file);
    const doc = parseDocument(file, text);
    if (!merged.currentContext && typeof doc['current-context'] === 'string' && doc['current-context']) merged.currentContext = doc['current-context'];
    for (const [list, key, into] of [['clusters', 'cluster', merged.clusters], ['users', 'user', merged.users], ['contexts', 'context', merged.contexts]] as const) {
      for (const entry of entriesOf(file, doc, list, key)) {
        if (into.has(entry.name)) continue;
        if (key !== 'context') resolvePaths(entry, PATH_FIELDS[key]);
        into.set(entry.name, entry);
      }
    }
  }
  if (merged.files.length === 0) throw invalid(`kubeconfig not found: ${paths.join(', ') || '(KUBECONFIG names no file)'}`);
  return merged;
}

function parseDocument(file: string, text: string): Fields {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw invalid(`kubeconfig ${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw invalid(`kubeconfig ${file}: not a kubeconfig (a YAML mapping with clusters, users and contexts)`);
  return doc as Fields;
}

function entriesOf(file: string, doc: Fields, list: 'clusters' | 'users' | 'contexts', key: string): KubeconfigEntry[] {
  const items = doc[list];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw invalid(`kubeconfig ${file}: ${list} is not a list`);
  return items.map((item: unknown, i) => {
    const named = (item ?? {}) as Fields;
    if (typeof named.name !== 'string' || !named.name) throw invalid(`kubeconfig ${file}: ${list}[${i}] has no name`);
    const fields = named[key] ?? {};
    if (typeof fields !== 'object' || Array.isArray(fields)) throw invalid(`kubeconfig ${file}: ${list}[${i}] ("${named.name}"): ${key} is not a mapping`);
    return { name: named.name, fields: { ...(fields as Fields) }, file };
  });
}

function resolvePaths(entry: KubeconfigEntry, fields: string[]): void {
  for (const field of fields) {
    const value = entry.fields[field];
    if (typeof value === 'string' && value && !isAbsolute(value)) entry.fields[field] = resolve(dirname(entry.file), value);
  }
}
