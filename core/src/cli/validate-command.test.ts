import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertPlugin, loaded, tempDir } from '../../test-support/fixtures.js';
import { validateIngesters } from './validate-command.js';

const good = `apiVersion: zen.kube-zen.io/v1alpha1
kind: Ingester
metadata: { name: alerts, namespace: shop }
spec:
  source: alert
  config: { prefix: "x" }
`;

describe('zen-watcher validate', () => {
  it('accepts a valid Ingester and ignores other kinds', () => {
    const file = join(tempDir(), 'ok.yaml');
    writeFileSync(file, `${good}---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n`);
    expect(validateIngesters([file], loaded(alertPlugin))).toEqual([]);
  });

  it('names the file, the document and the path of each problem', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(
      file,
      [
        good,
        'apiVersion: zen.kube-zen.io/v1alpha1\nkind: Ingester\nmetadata: { name: typo, namespace: shop }\nspec:\n  source: alert\n  filters: { minSeverity: urgent }\n',
        'apiVersion: zen.kube-zen.io/v1alpha1\nkind: Ingester\nmetadata: { name: cfg, namespace: shop }\nspec:\n  source: alert\n  config: { prefix: "far too long a prefix" }\n',
        'apiVersion: zen.kube-zen.io/v1alpha1\nkind: Ingester\nmetadata: { name: who, namespace: shop }\nspec:\n  source: nosuch\n',
      ].join('---\n'),
    );
    const problems = validateIngesters([file], loaded(alertPlugin));
    const lines = problems.map((p) => `${p.doc} ${p.name} ${p.path}: ${p.message}`);
    expect(lines.some((l) => l.startsWith('2 shop/typo spec.filters.minSeverity'))).toBe(true);
    expect(lines.some((l) => l.startsWith('3 shop/cfg spec: InvalidConfig') && l.includes('spec.config.prefix'))).toBe(true);
    expect(lines.some((l) => l.startsWith('4 shop/who spec: UnknownSource'))).toBe(true);
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(problems.some((p) => p.doc === 1)).toBe(false);
  });
});
