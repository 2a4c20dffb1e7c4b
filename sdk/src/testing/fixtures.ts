import { readFileSync } from 'node:fs';
import type { KubeObject } from '../plugin.js';

/**
 * What the fixture reader asks of a YAML parser, set to read YAML the way kubectl does
 * (sigs.k8s.io/yaml over go-yaml): a key given twice keeps its last value instead of failing
 * the file, `<<` merge keys are merged, and a document may use many aliases.
 *
 * @example
 * ```ts
 * parseAllDocuments(text, KUBECTL_YAML_OPTIONS);
 * ```
 */
export const KUBECTL_YAML_OPTIONS = { uniqueKeys: false, merge: true, maxAliasCount: 10_000 } as const;

/**
 * The shape of a YAML multi-document parser, such as `parseAllDocuments` of the `yaml` package
 * (the sdk does not depend on one; a plugin's tests pass theirs). It is called with
 * {@link KUBECTL_YAML_OPTIONS}.
 *
 * @example
 * ```ts
 * import { parseAllDocuments } from 'yaml';
 * const parse: YamlDocumentsParser = parseAllDocuments;
 * ```
 */
export type YamlDocumentsParser = (
  text: string,
  options?: typeof KUBECTL_YAML_OPTIONS,
) => readonly { errors: readonly { message: string }[]; toJS(): unknown }[];

/**
 * Splits a JSON text into its top-level values, as kubectl reads a stream of JSON objects
 * (`{...}{...}` or one per line). Throws a `SyntaxError` naming the value that is not JSON.
 */
function jsonStream(text: string, name: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if ((c === '}' || c === ']') && --depth === 0) {
      try {
        values.push(JSON.parse(text.slice(start, i + 1)));
      } catch (err) {
        throw new SyntaxError(`${name}: JSON value ${values.length + 1} is not valid JSON (${(err as Error).message})`, { cause: err });
      }
    } else if (depth === 0 && c.trim() !== '') {
      throw new SyntaxError(`${name}: unexpected ${JSON.stringify(c)} between JSON values`);
    }
  }
  if (depth !== 0) throw new SyntaxError(`${name}: JSON value ${values.length + 1} is not closed`);
  return values;
}

function isList(value: KubeObject): boolean {
  return typeof value.kind === 'string' && value.kind.endsWith('List') && (Array.isArray(value.items) || value.items === null || value.items === undefined);
}

// kubectl flattens any list (`kind: List`, `PolicyReportList`...) into its items, recursively;
// `items: null` (Go's nil slice) is an empty list.
function unwrap(value: KubeObject): KubeObject[] {
  return isList(value) ? ((value.items ?? []) as KubeObject[]).flatMap(unwrap) : [value];
}

/**
 * The Kubernetes objects in a fixture file, read the way `kubectl apply -f` reads a file, and
 * delivered one by one as the host's informer would:
 *
 * - the content decides the format, not the extension (kubectl sniffs it too): text that starts
 *   with `{` or `[` is a stream of JSON values, anything else YAML; `.jsonl`/`.ndjson` files are
 *   one JSON value a line;
 * - YAML may hold several documents (`---`); a key given twice keeps its last value, `<<` merge
 *   keys are merged (see {@link KUBECTL_YAML_OPTIONS}); empty documents are skipped;
 * - `kind: List` and `*List` wrappers (what `kubectl get -o yaml` prints) are unwrapped into
 *   their items, recursively;
 * - a byte-order mark is ignored; a document that is not an object is an error naming it.
 *
 * @example
 * ```ts
 * import { parseAllDocuments } from 'yaml';
 * const reports = readFixtureObjects(new URL('./fixtures/reports.yaml', import.meta.url), parseAllDocuments);
 * ```
 */
export function readFixtureObjects(file: string | URL, parseYaml: YamlDocumentsParser): KubeObject[] {
  const name = String(file);
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  let values: unknown[];
  if (/\.(jsonl|ndjson)$/.test(name)) values = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  else if (/^\s*[[{]/.test(text)) values = jsonStream(text, name);
  else {
    values = parseYaml(text, KUBECTL_YAML_OPTIONS).map((doc, i) => {
      if (doc.errors.length > 0) throw new Error(`${name}: document ${i + 1}: ${doc.errors[0].message}`);
      return doc.toJS();
    });
  }
  return values.flatMap((v, i) => {
    if (v === null || v === undefined) return [];
    if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${name}: document ${i + 1} is not an object but ${Array.isArray(v) ? 'a list' : typeof v}`);
    return unwrap(v as KubeObject);
  });
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
