import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layers of core/src, lowest first (docs/architecture.md, "Layers"): a file may import from
// its own layer and the ones below, never from one above. Tests (and the test helpers that are
// moving out of src) are left out: a test may assemble whatever it tests.
const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'log.ts', 'package-root.ts', 'collections/'],
  ['config/', 'metrics/'],
  ['pipeline/'],
  ['plugins/', 'sinks/', 'kube/'],
  ['runtime/'],
  ['http/'],
  ['cluster/'],
  ['host.ts', 'cluster-host.ts'],
  ['cli/', 'main.ts', 'index.ts'],
];

/**
 * Upward imports known and not fixed yet, each with why it is there: the test fails on any
 * other, and on one of these once it is gone (so the entry goes too).
 */
const KNOWN: Record<string, string> = {};

const SRC = join(import.meta.dirname, '..', '..', 'core', 'src');
const LEFT_OUT = (file: string) => file.endsWith('.test.ts');

/** Every .ts file under core/src, as a posix path relative to it. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

/** The layer (index into LAYERS) a core/src path belongs to, or -1. */
function layerOf(file: string): number {
  const top = file.includes('/') ? `${file.split('/')[0]}/` : file;
  return LAYERS.findIndex((layer) => layer.includes(top));
}

/** The relative specifiers a file imports or re-exports (static and dynamic). */
function relativeImports(text: string): string[] {
  const out: string[] = [];
  // Comments that start a line (a string such as '/ingest/*' must not open one).
  const code = text.replace(/^\s*\/\*[\s\S]*?\*\//gm, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(/(?:\bimport|\bexport)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]/g)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec.startsWith('.')) out.push(spec);
  }
  return out;
}

/** Resolves a relative specifier of `from` to a core/src path ('.js' stands for '.ts'). */
function resolveIn(from: string, spec: string): string {
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

const name = (i: number) => LAYERS[i].join(' ');

describe('core/src layers', () => {
  const files = sourceFiles().filter((f) => !LEFT_OUT(f));

  it('knows every file of core/src', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward: string[] = [];
    const known: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const spec of relativeImports(readFileSync(join(SRC, file), 'utf8'))) {
        const target = resolveIn(file, spec);
        if (target.startsWith('..')) upward.push(`${file} imports ${target}, outside core/src`);
        else if (layerOf(target) > from) {
          if (KNOWN[`${file} -> ${target}`]) known.push(`${file} -> ${target}`);
          else upward.push(`${file} (${name(from)}) imports ${target} (${name(layerOf(target))})`);
        }
      }
    }
    expect(upward).toEqual([]);
    expect(known.sort()).toEqual(Object.keys(KNOWN).sort());
  });

  it('reads the imports it checks', () => {
    const text = [
      "import type { A } from '../pipeline/ports.js';",
      "import { b,\n  c } from './b.js';",
      "export { d } from '../d.js';",
      "export * from './e.js';",
      "const f = await import('../f.js');",
      "import './g.js';",
      "import pino from 'pino';",
      "// import { no } from './comment.js';",
      "/* import { no } from './block.js'; */",
    ].join('\n');
    expect(relativeImports(text)).toEqual(['../pipeline/ports.js', './b.js', '../d.js', './e.js', '../f.js', './g.js']);
    expect(resolveIn('cluster/observation-writer.ts', '../pipeline/ports.js')).toBe('pipeline/ports.ts');
    expect(layerOf('cluster/observation-writer.ts')).toBeGreaterThan(layerOf('pipeline/ports.ts'));
    expect(layerOf('host.ts')).toBe(7);
  });
});
