import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * promtool, Prometheus's rule checker and rule unit-test runner, found or fetched by
 * scripts/fetch-promtool.sh (from Debian's prometheus package, without root). On a machine with
 * neither a promtool nor apt, the answer says why, and the tests that need it skip loudly unless
 * ZW_REQUIRE_PROMTOOL=1 (as .ci/run sets), where they fail instead.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type PromtoolLookup = { path: string } | { missing: string };

let found: PromtoolLookup | undefined;

export function findPromtool(): PromtoolLookup {
  if (!found) {
    const r = spawnSync('bash', [join(root, 'scripts/fetch-promtool.sh')], { encoding: 'utf8' });
    const path = r.stdout.trim();
    found = r.status === 0 && path ? { path } : { missing: (r.stderr || r.error?.message || `exit ${r.status}`).trim() };
  }
  return found;
}

/** Whether a missing promtool must fail the tests rather than skip them. */
export const promtoolRequired = (): boolean => process.env.ZW_REQUIRE_PROMTOOL === '1';
