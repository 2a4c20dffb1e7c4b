import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ZEN_WATCHER_BIN } from './harness/zen-watcher-process.ts';

// The zen-watcher command's one-shot subcommands, run as a user runs them: the built binary.
const root = join(import.meta.dirname, '..');
function runEnv(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [ZEN_WATCHER_BIN, ...args], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const run = (...args: string[]) => runEnv({}, ...args);

describe('zen-watcher CLI', () => {
  it('plugins --json lists every bundled plugin with its kind, version and package', () => {
    const r = run('plugins', '--json');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as { name: string; kind: string; package: string; origin: string }[];
    const bundled = rows.filter((p) => p.origin === 'bundled').map((p) => [p.name, p.kind, p.package]);
    expect(bundled).toEqual(
      expect.arrayContaining([
        ['falco', 'webhook', '@zen-watcher/plugin-falco'],
        ['audit', 'webhook', '@zen-watcher/plugin-audit'],
        ['webhook', 'webhook', '@zen-watcher/plugin-webhook'],
        ['trivy', 'informer', '@zen-watcher/plugin-trivy'],
        ['kyverno', 'informer', '@zen-watcher/plugin-kyverno'],
        ['configmap', 'informer', '@zen-watcher/plugin-configmap'],
        ['k8s-events', 'informer', '@zen-watcher/plugin-k8s-events'],
      ]),
    );
  });

  it('validate accepts every example Ingester we ship', () => {
    const dir = join(root, 'examples', 'ingesters');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => join(dir, f));
    const r = run('validate', ...files);
    expect(r.out).toContain(`${files.length} file(s) valid`);
    expect(r.code).toBe(0);
  });

  it('validate names the file, the document and the path of each problem, and exits 1', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zw-cli-')), 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: zen.kube-zen.io/v1alpha1\nkind: Ingester\nmetadata: { name: ok, namespace: a }\nspec: { source: falco }\n---\n' +
        'apiVersion: zen.kube-zen.io/v1alpha1\nkind: Ingester\nmetadata: { name: bad, namespace: a }\nspec:\n  source: falco\n  config: { minPriority: loud }\n',
    );
    const r = run('validate', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`${file.replaceAll('/', '\\/')}: document 2 \\(Ingester a/bad\\): spec: InvalidConfig: [\\s\\S]*spec\\.config\\.minPriority`));
    expect(r.out).not.toContain('document 1');
  });

  it('crds prints both CRDs as a YAML stream kubectl can apply', () => {
    const r = run('crds');
    expect(r.code).toBe(0);
    const names = parseAllDocuments(r.out).map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name);
    expect(names.sort()).toEqual(['ingesters.zen.kube-zen.io', 'observations.zen.kube-zen.io']);
  });

  it('a typo in a source config prints the message naming the key, and no stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-cli-'));
    writeFileSync(join(dir, 'zw.yaml'), 'mode: local\nhost: 127.0.0.1\nport: 0\nsources:\n  - source: falco\n    config: { minPrority: warning }\n');
    const r = runEnv({ ZW_MODE: 'local', ZW_CONFIG: join(dir, 'zw.yaml'), OUTPUT_FILE: join(dir, 'out.jsonl') });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^zen-watcher: source 0 \(falco\) in the config: InvalidConfig: [\s\S]*spec\.config\.minPrority/m);
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  it("a plugin's start failure prints its message, and no stack", () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-cli-'));
    const plugin = join(dir, 'zw-failing');
    mkdirSync(plugin);
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'zw-failing', version: '1.0.0', type: 'module', exports: './index.js' }));
    writeFileSync(join(plugin, 'index.js'), "export default { apiVersion: 2, name: 'failing', kind: 'webhook', handle: () => [], start() { throw new Error('the token file /var/run/x is missing'); } };\n");
    writeFileSync(join(dir, 'zw.yaml'), 'mode: local\nhost: 127.0.0.1\nport: 0\nsources:\n  - source: failing\n');
    const r = runEnv({ ZW_MODE: 'local', ZW_CONFIG: join(dir, 'zw.yaml'), OUTPUT_FILE: join(dir, 'out.jsonl'), PLUGINS: plugin });
    expect(r.code).toBe(1);
    expect(r.err).toContain('failing');
    expect(r.err).toContain('the token file /var/run/x is missing');
    expect(r.err).not.toMatch(/^\s+at /m);
  });

  it('an unknown command exits 2 with the usage', () => {
    const r = run('frobnicate');
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: zen-watcher');
  });
});
