import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '@zen-watcher/sdk';
import { parseAllDocuments } from 'yaml';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * The Kubernetes objects in a fixture file: every document of a (multi-document) YAML file or
 * the JSON value, with `kind: List` / `*List` wrappers unwrapped into their items, as the host
 * would deliver them one by one.
 */
export function loadObjects(file: string): KubeObject[] {
  const text = readFileSync(dir + file, 'utf8');
  const values: unknown[] = file.endsWith('.json')
    ? [JSON.parse(text)]
    : parseAllDocuments(text).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
        return doc.toJS();
      });
  return values.filter((v) => v !== null).flatMap((v) => unwrap(v as KubeObject));
}

function unwrap(value: KubeObject): KubeObject[] {
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    return (value.items as KubeObject[]).flatMap(unwrap);
  }
  return [value];
}

/** One object from a fixture that holds exactly one. */
export function loadObject(file: string): KubeObject {
  const objects = loadObjects(file);
  if (objects.length !== 1) throw new Error(`${file}: expected one object, found ${objects.length}`);
  return objects[0];
}

/** A deep copy, so a test can modify a fixture without touching others. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}
