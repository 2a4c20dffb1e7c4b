// One server under test (zen-watcher in local mode, or the bare-fastify baseline) as a child
// process, with what /proc says about it: CPU time used and peak resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSecondsOf, memoryOf } from '../process-stats.ts';

/** user+system CPU seconds the process has used so far. */
export function cpuSeconds(pid) {
  const seconds = cpuSecondsOf(pid);
  if (seconds === undefined) throw new Error(`process ${pid} has exited`);
  return seconds;
}

/** Peak (VmHWM) and current (VmRSS) resident memory, MiB. */
export function rssMiB(pid) {
  const m = memoryOf(pid);
  if (!m) throw new Error(`process ${pid} has exited`);
  return { peak: m.peakMiB, now: m.rssMiB };
}

async function waitReady(url, child, anyAnswer) {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status === 200 || anyAnswer) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Starts `kind` ('zen-watcher' or 'fastify-baseline') on a random port and waits until it is
 * ready (zen-watcher: /readyz 200; the baseline has no /readyz, any answer means it is up).
 * `nodeArgs` go before the script (e.g. --cpu-prof). zen-watcher is started exactly as a user
 * starts it: `node <main>` (default this checkout's core/dist/main.js), with its own defaults,
 * in its own directory (the host also looks for plugins beside its working directory).
 */
export async function startServer(root, kind, { source, main = join(root, 'core', 'dist', 'main.js'), nodeArgs = [], env: extraEnv = {} }) {
  const port = 18000 + Math.floor(Math.random() * 2000);
  const dir = mkdtempSync(join(tmpdir(), 'zw-bench-'));
  const env = { ...process.env, PORT: String(port), ...extraEnv };
  let script;
  if (kind === 'zen-watcher') {
    const cfg = join(dir, 'zw.yaml');
    writeFileSync(cfg, `mode: local\nhost: 127.0.0.1\noutput: { file: ${join(dir, 'observations.jsonl')} }\nsources:\n  - source: ${source}\n`);
    Object.assign(env, { ZW_CONFIG: cfg, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' });
    script = main;
  } else script = join(root, 'bench', 'webhook', 'baseline-server.mjs');
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await waitReady(`http://127.0.0.1:${port}${kind === 'zen-watcher' ? '/readyz' : '/nothing'}`, child, kind !== 'zen-watcher');
  const readyMs = performance.now() - t0;
  let exited;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  return {
    child,
    port,
    /** Throws, naming how, if the server is gone (a crash, or a signal from outside the bench). */
    alive() {
      if (exited) throw new Error(`${kind} exited during the run: code ${exited.code}, signal ${exited.signal}`);
    },
    dir,
    readyMs,
    startupCpuMs: cpuSeconds(child.pid) * 1000,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    },
  };
}
