// One server under test (zen-watcher in local mode, or the bare-fastify baseline) as a child
// process, with what /proc says about it: CPU time used and peak resident memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TICKS_PER_SECOND = 100; // USER_HZ: Linux reports utime/stime in 1/100 s on every usual build

/** user+system CPU seconds the process has used so far. */
export function cpuSeconds(pid) {
  // Fields after the command name (which may hold spaces, hence the last ')'): utime is the 14th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Peak (VmHWM) and current (VmRSS) resident memory, MiB. */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
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
