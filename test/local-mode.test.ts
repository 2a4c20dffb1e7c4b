import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZenWatcherProcess } from './harness/zen-watcher-process.ts';
import { waitFor } from './harness/wait-for.ts';

const alert = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'examples', 'payloads', 'falco-terminal-shell.json'), 'utf8'));

let proc: ZenWatcherProcess | undefined;
afterEach(async () => {
  if (proc?.running) await proc.stop('SIGKILL');
  proc = undefined;
});

function localProcess(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'zw-local-'));
  const file = join(dir, 'observations.jsonl');
  return { file, dir, proc: new ZenWatcherProcess({ name: 'local-0', env: { ZW_MODE: 'local', OUTPUT_FILE: file, ...extra } }) };
}

describe('local mode (the real command)', () => {
  it('serves the README tour: a Falco alert becomes an Observation in the file', async () => {
    const t = localProcess();
    proc = t.proc;
    await proc.start();
    await proc.ready();
    const res = await proc.post('/ingest/falco', alert);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ received: 1, created: 1 });
    const obs = JSON.parse(readFileSync(t.file, 'utf8').trim().split('\n')[0]);
    expect(obs).toMatchObject({ kind: 'Observation', spec: { source: 'falco', severity: 'critical', category: 'security', resource: { name: 'kubecon', namespace: 'default' } } });
    // stdout is read asynchronously: the log line may arrive just after the HTTP answer.
    await waitFor('the Observation in the log', () => proc!.logged(/^observation/).length > 0);
  });

  it('exports Node.js process metrics under the standard names stock dashboards query', async () => {
    const t = localProcess();
    proc = t.proc;
    await proc.start();
    await proc.ready();
    const text = await (await fetch(`${proc.url}/metrics`)).text();
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).not.toMatch(/zenwatcher_process_/);
  });

  it('keeps every event that got a 2xx when stopped with SIGTERM under load', async () => {
    const t = localProcess({ DEDUP_WINDOW_SECONDS: '0' });
    proc = t.proc;
    await proc.start();
    await proc.ready();
    const acked: string[] = [];
    let stop = false;
    const senders = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const pod = `pod-${w}-${i}`;
        const body = { ...alert, output_fields: { ...alert.output_fields, 'k8s.pod.name': pod } };
        const res = await proc!.post('/ingest/falco', body).catch(() => undefined);
        if (res?.status === 200) acked.push(pod);
        else break;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const exit = proc.stop('SIGTERM');
    stop = true;
    await Promise.all(senders);
    const ended = await exit;
    if (ended.code !== 0) console.log(proc.logs.slice(-8), proc.stderr.slice(-8));
    expect(ended.code).toBe(0);
    const written = new Set(readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).spec.resource.name));
    expect(acked.length).toBeGreaterThan(10);
    expect(acked.filter((p) => !written.has(p))).toEqual([]);
  });

  it('flushes counts absorbed by dedup on shutdown', async () => {
    const t = localProcess();
    proc = t.proc;
    await proc.start();
    await proc.ready();
    for (let i = 0; i < 3; i++) expect((await proc.post('/ingest/falco', alert)).status).toBe(200);
    await proc.stop('SIGTERM');
    const counts = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).status.count);
    expect(counts.at(-1)).toBe(3);
  });

  it('refuses to start on a bad config, naming every bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-bad-'));
    const cfg = join(dir, 'zw.yaml');
    writeFileSync(cfg, 'sources:\n  - source: falco\n    config: { minPriority: loud }\n');
    proc = new ZenWatcherProcess({ name: 'bad', env: { ZW_MODE: 'local', ZW_CONFIG: cfg, DEDUP_MAX_SIZE: 'lots' } });
    await expect(proc.start()).rejects.toThrow(/exited/);
    const err = proc.stderr.join('\n');
    expect(err).toContain('DEDUP_MAX_SIZE');
    expect(proc.exitCode).toBe(1);
  });
});
