import { readFileSync } from 'node:fs';
import type { KubeObject } from '../plugin.js';

/**
 * The shape of a YAML multi-document parser, such as `parseAllDocuments` of the `yaml` package
 * (the sdk does not depend on one; a plugin's tests pass theirs).
 *
 * @example
 * ```ts
 * import { parseAllDocuments } from 'yaml';
 * const parse: YamlDocumentsParser = parseAllDocuments;
 * ```
 */
export type YamlDocumentsParser = (text: string) => readonly { errors: readonly { message: string }[]; toJS(): unknown }[];

function unwrap(value: KubeObject): KubeObject[] {
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
    return (value.items as KubeObject[]).flatMap(unwrap);
  }
  return [value];
}

/**
 * The Kubernetes objects in a fixture file, as the host's informer would deliver them one by one:
 * the JSON value, every line of a `.jsonl` file, or every document of a (multi-document) YAML
 * file, with `kind: List` / `*List` wrappers unwrapped into their items.
 *
 * @example
 * ```ts
 * import { parseAllDocuments } from 'yaml';
 * const reports = readFixtureObjects(new URL('./fixtures/reports.yaml', import.meta.url), parseAllDocuments);
 * ```
 */
export function readFixtureObjects(file: string | URL, parseYaml: YamlDocumentsParser): KubeObject[] {
  const name = String(file);
  const text = readFileSync(file, 'utf8');
  let values: unknown[];
  if (name.endsWith('.json')) values = [JSON.parse(text)];
  else if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) values = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  else {
    values = parseYaml(text).map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${name}: ${doc.errors[0].message}`);
      return doc.toJS();
    });
  }
  return values.filter((v) => v !== null && v !== undefined).flatMap((v) => unwrap(v as KubeObject));
}

/**
 * The one object of a fixture file that holds exactly one (throws otherwise).
 *
 * @example
 * ```ts
 * const report = readFixtureObject(new URL('./fixtures/report.yaml', import.meta.url), parseAllDocuments);
 * ```
 */
export function readFixtureObject(file: string | URL, parseYaml: YamlDocumentsParser): KubeObject {
  const objects = readFixtureObjects(file, parseYaml);
  if (objects.length !== 1) throw new Error(`${String(file)}: expected one object, found ${objects.length}`);
  return objects[0];
}
