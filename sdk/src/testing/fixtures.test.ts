import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readFixtureObject, readFixtureObjects } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'zw-fixtures-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const read = (name: string, text: string) => readFixtureObjects(file(name, text), parseAllDocuments);

describe('readFixtureObjects reads files as kubectl does', () => {
  it('keeps the last value of a key given twice, as kubectl does (with a warning), instead of failing the file', () => {
    const objects = read('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  x: "1"\n');
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { x: '1' } }]);
  });

  it('merges `<<` keys', () => {
    const objects = read('merge.yaml', 'kind: Pod\nmetadata: &m\n  namespace: shop\nspec:\n  labels:\n    <<: *m\n    app: web\n');
    expect(objects[0].spec).toEqual({ labels: { namespace: 'shop', app: 'web' } });
  });

  it('reads every document, skips empty ones, and unwraps List and *List kinds, nested and with items: null', () => {
    const text = [
      '# a comment-only document',
      '---',
      'apiVersion: v1\nkind: List\nitems:\n- kind: PolicyReportList\n  items:\n  - kind: PolicyReport\n    metadata: {name: a}\n- kind: PolicyReport\n  metadata: {name: b}',
      '---',
      'kind: PolicyReportList\nitems: null',
      '---',
      'kind: PolicyReport\nmetadata: {name: c}',
      '...',
    ].join('\n');
    expect(read('multi.yaml', text).map((o) => o.metadata?.name)).toEqual(['a', 'b', 'c']);
  });

  it('sniffs the format: JSON in a .yaml file, YAML in a .json file, a stream of JSON objects', () => {
    expect(read('json.yaml', '{"kind": "Pod", "metadata": {"name": "a"}}')[0].metadata?.name).toBe('a');
    expect(read('yaml.json', 'kind: Pod\nmetadata:\n  name: b\n')[0].metadata?.name).toBe('b');
    expect(read('stream.json', '{"kind": "Pod", "metadata": {"name": "c"}}\n{"kind": "Pod", "metadata": {"name": "d \\" }"}}').map((o) => o.metadata?.name)).toEqual(['c', 'd " }']);
    expect(read('lines.jsonl', '{"kind":"Pod"}\n\n{"kind":"Node"}\n').map((o) => o.kind)).toEqual(['Pod', 'Node']);
  });

  it('ignores a byte-order mark', () => {
    expect(read('bom.yaml', '\uFEFFkind: Pod\n')).toEqual([{ kind: 'Pod' }]);
    expect(read('bom.json', '\uFEFF{"kind": "Pod"}')).toEqual([{ kind: 'Pod' }]);
  });

  it('refuses what kubectl refuses, naming the file and the document', () => {
    expect(() => read('scalar.yaml', 'kind: Pod\n---\njust text\n')).toThrow(/scalar.yaml: document 2 is not an object but string/);
    expect(() => read('broken.yaml', 'kind: Pod\n---\na: [1\n')).toThrow(/broken.yaml: document 2: /);
    expect(() => read('broken.json', '{"kind": "Pod"} x')).toThrow(/unexpected "x" between JSON values/);
    expect(() => read('open.json', '{"kind": "Pod"')).toThrow(/JSON value 1 is not closed/);
  });

  it('readFixtureObject wants exactly one object', () => {
    expect(readFixtureObject(file('one.yaml', 'kind: Pod\n'), parseAllDocuments)).toEqual({ kind: 'Pod' });
    expect(() => readFixtureObject(file('two.yaml', 'kind: Pod\n---\nkind: Node\n'), parseAllDocuments)).toThrow(/expected one object, found 2/);
  });
});
