import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_SOURCES, hostileCase, loadFixtures, type FuzzCase } from './fuzz/hostile-requests.ts';
import { rawExchange, type RawOutcome } from './fuzz/raw-http.ts';
import { Rng } from './fuzz/rng.ts';
import { ZenWatcherProcess } from './harness/zen-watcher-process.ts';

// Hostile input at volume against the real command in local mode: random documents, real
// fixture payloads damaged byte by byte and field by field, deep nesting, numbers beyond a
// double, invalid UTF-8, wrong content types, NDJSON oddities, batches with bad items, bodies
// over the limit, slow and abandoned senders, malformed HTTP. Every complete request must get
// a 2xx or a 4xx within ANSWER_BOUND_MS, the process must stay up, and its memory must stay
// under the chart's default limit. The run is reproducible from its seed:
//   ZW_FUZZ_SEED=<seed> ZW_FUZZ_ITERATIONS=5000 npx vitest run test/webhook-fuzz.test.ts

const SEED = Number(process.env.ZW_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ITERATIONS = Number(process.env.ZW_FUZZ_ITERATIONS ?? 1500);
const CONCURRENCY = 6;
const ANSWER_BOUND_MS = 10_000;
const BODY_LIMIT = 256 * 1024;
// The chart's default memory limit: above it the pod would be OOM-killed.
const RSS_BOUND_MIB = 512;

const ROOT = join(import.meta.dirname, '..');
let proc: ZenWatcherProcess;
let file: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-fuzz-'));
  file = join(dir, 'observations.jsonl');
  const config = join(dir, 'zen-watcher.yaml');
  writeFileSync(config, stringify({ mode: 'local', bodyLimitBytes: BODY_LIMIT, sources: FUZZ_SOURCES.map((source) => ({ source })) }));
  proc = new ZenWatcherProcess({ name: 'fuzz', env: { ZW_CONFIG: config, OUTPUT_FILE: file, LOG_LEVEL: 'warn' } });
  await proc.start();
  await proc.ready();
}, 30_000);
afterAll(async () => {
  if (proc?.running) await proc.stop('SIGKILL');
});

interface Failure {
  iteration: number;
  case: FuzzCase;
  outcome: RawOutcome;
}

function describeFailure(f: Failure): string {
  const o = f.outcome;
  const what = o.kind === 'answer' ? `answered ${o.status} ${o.body.slice(0, 200)}` : o.kind === 'timeout' ? `no answer within ${ANSWER_BOUND_MS} ms` : `closed without an answer${o.error ? ` (${o.error})` : ''}`;
  return `#${f.iteration} ${f.case.kind} (${f.case.detail}): ${what}; body starts ${JSON.stringify(f.case.req.body.subarray(0, 120).toString('latin1'))}`;
}

describe('the webhook path under hostile input (the real command, local mode)', () => {
  it(`answers each request with a 2xx or 4xx in time, stays up, keeps memory bounded (seed ${SEED}, ${ITERATIONS} requests)`, async () => {
    const fixtures = loadFixtures(ROOT);
    const rng = new Rng(SEED);
    // Cases are drawn up front, in order, so the seed alone replays them whatever the timing.
    const cases = Array.from({ length: ITERATIONS }, () => hostileCase(rng, fixtures, BODY_LIMIT));
    const failures: Failure[] = [];
    const statuses = new Map<string, number>();
    const rssMiB: number[] = [];
    let next = 0;
    const sampleRss = async () => rssMiB.push((await proc.metric('process_resident_memory_bytes')) / 2 ** 20);

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const iteration = next++;
          const c = cases[iteration];
          const outcome = await rawExchange(proc.port, c.req, ANSWER_BOUND_MS);
          const label = outcome.kind === 'answer' ? String(outcome.status) : outcome.kind;
          statuses.set(`${c.kind} ${label}`, (statuses.get(`${c.kind} ${label}`) ?? 0) + 1);
          const badStatus = outcome.kind === 'answer' && !((outcome.status >= 200 && outcome.status < 300) || (outcome.status >= 400 && outcome.status < 500));
          const reset = outcome.kind === 'closed' && /ECONNRESET|EPIPE/.test(outcome.error ?? '');
          const owed = c.expectAnswer && outcome.kind !== 'answer' && !(c.refusedEarly && reset);
          if (badStatus || owed || !proc.running) failures.push({ iteration, case: c, outcome });
          if (!proc.running) return;
          if (iteration % 50 === 0) await sampleRss();
        }
      }),
    );

    const report = `seed ${SEED} (replay: ZW_FUZZ_SEED=${SEED} ZW_FUZZ_ITERATIONS=${ITERATIONS}); answers by kind: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`;
    expect(proc.running, `the process exited (${proc.exitCode ?? proc.exitSignal}); ${report}; stderr: ${proc.stderr.slice(-10).join('\n')}`).toBe(true);
    expect(failures.map(describeFailure), report).toEqual([]);

    // Still serving, and still writing what it acknowledges.
    const alert = JSON.parse(readFileSync(join(ROOT, 'plugins', 'falco', 'test', 'fixtures', 'raw-syscall-critical-terminal-shell.json'), 'utf8'));
    alert.output_fields = { ...alert.output_fields, 'k8s.pod.name': `after-fuzz-${SEED}` };
    const res = await proc.post('/ingest/falco', alert);
    expect(res.status, report).toBe(200);
    expect(readFileSync(file, 'utf8')).toContain(`after-fuzz-${SEED}`);

    await sampleRss();
    expect(Math.max(...rssMiB), `RSS samples (MiB): ${rssMiB.map(Math.round).join(', ')}; ${report}`).toBeLessThan(RSS_BOUND_MIB);
    // A request the host failed on itself is logged at error; none of this input should cause one.
    expect(proc.logs.filter((l) => Number(l.level) >= 50).slice(0, 5), report).toEqual([]);
  }, 120_000);
});
