import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/**
 * The CRD manifests. Their one source is the chart's `crds/`; the build copies them into the
 * core package (`core/crds/`) so an installed host has them too.
 */
export function crdDir(): string {
  const own = join(packageRoot(), 'crds');
  if (existsSync(own)) return own;
  const chart = join(packageRoot(), '..', 'charts', 'zen-watcher', 'crds');
  if (existsSync(chart)) return chart;
  throw new Error('the CRD manifests are missing from this installation');
}

export function crdFiles(): { file: string; text: string }[] {
  const dir = crdDir();
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

/** `zen-watcher crds`: prints every CRD as one multi-document YAML stream (pipe it to kubectl apply -f -). */
export function printCrds(): number {
  const docs = crdFiles().map((c) => c.text.trim());
  process.stdout.write(`${docs.map((d) => (d.startsWith('---') ? d : `---\n${d}`)).join('\n')}\n`);
  return 0;
}
