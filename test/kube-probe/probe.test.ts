// The test API server measured against a real one: shared/kube-probe (a probe that records how
// an API server answers what a client-node controller does, with a real kube-apiserver v1.32's
// answers in real-v1.32.json) is copied to a temporary folder, installed, run against the test
// server, and compared with its own compare.mjs. Any difference not listed in
// deliberate-differences.json (with its reason) fails the test, and so does a listed one that
// no longer occurs. The probe is the reference instrument: it is used, never copied in here.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeApi } from '../kube-api/index.ts';
import { startKubeApi } from '../kube-api/index.ts';
import { parseCompareOutput, undeclared, unused, type Deliberate } from './differences.ts';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
// shared/ sits beside the checkout, on the developers' machines and in CI alike (read-only); a
// git worktree elsewhere finds it beside the repository the worktree belongs to.
const PROBE = [repo, dirname(gitCommonDir())].map((r) => resolve(r, '..', 'shared', 'kube-probe')).find((p) => existsSync(join(p, 'probe.mjs'))) ?? resolve(repo, '..', 'shared', 'kube-probe');

function gitCommonDir(): string {
  try {
    return resolve(repo, execFileSync('git', ['rev-parse', '--git-common-dir'], { cwd: repo, encoding: 'utf8' }).trim());
  } catch {
    return join(repo, '.git');
  }
}
const DELIBERATE: Deliberate[] = JSON.parse(readFileSync(join(here, 'deliberate-differences.json'), 'utf8'));

let api: KubeApi;
let work: string;

beforeAll(async () => {
  if (!existsSync(join(PROBE, 'probe.mjs'))) {
    throw new Error(`the kube-probe reference is missing: expected ${PROBE} (the shared/ folder beside the repository). It is what this test measures the test API server against.`);
  }
  work = mkdtempSync(join(tmpdir(), 'zw-kube-probe-'));
  cpSync(PROBE, work, { recursive: true });
  // The reference server has no kube-controller-manager, so its deleted namespaces stay
  // Terminating; a namespace controller that waits an hour answers the same.
  api = await startKubeApi({ namespaceDeletionDelayMs: 3_600_000 });
  await api.writeKubeconfig(join(work, 'kubeconfig'));
  await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: work });
}, 180_000);

afterAll(async () => {
  await api?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the test API server against a real kube-apiserver v1.32 (shared/kube-probe)', () => {
  it('answers as the real one does, but for the differences listed as deliberate', async () => {
    await run('npm', ['run', 'probe', '--', '--kubeconfig', 'kubeconfig', '--out', 'test-server.json'], { cwd: work, maxBuffer: 16 * 1024 * 1024 });
    const compared = await run('npm', ['run', '--silent', 'compare', '--', 'real-v1.32.json', 'test-server.json'], { cwd: work, maxBuffer: 64 * 1024 * 1024 }).catch(
      (err: { stdout?: string; code?: number }) => {
        if (err.code !== 1 || err.stdout === undefined) throw err;
        return { stdout: err.stdout };
      },
    );
    const found = parseCompareOutput(compared.stdout);
    expect(undeclared(found, DELIBERATE), 'differences from the real server that test/kube-probe/deliberate-differences.json does not list').toEqual([]);
    expect(unused(found, DELIBERATE), 'entries of deliberate-differences.json that no longer differ (remove them)').toEqual([]);
  }, 240_000);
});
