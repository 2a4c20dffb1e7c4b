import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parsePrometheusText, sumOf, type Sample } from './prometheus-text.ts';
import { GiveUp, waitFor } from './wait-for.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ZEN_WATCHER_BIN = join(ROOT, 'core', 'dist', 'main.js');

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ProcessOptions {
  /** POD_NAME, and the label in messages. */
  name: string;
  env: Record<string, string>;
  port?: number;
  /** The command's entry file; default the workspace's built host, {@link ZEN_WATCHER_BIN}. */
  bin?: string;
  /** Working directory of the process; default this one's. */
  cwd?: string;
  /** Arguments of the command (default none: `run`). */
  args?: string[];
}

/**
 * One real `zen-watcher` process (the built command), with its own POD_NAME, port and env. It
 * keeps every JSON log line it printed, reads its /metrics, and can be stopped with SIGTERM or
 * SIGKILL and started again on the same port.
 */
export class ZenWatcherProcess {
  readonly logs: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  child?: ChildProcess;
  port = 0;
  exitCode: number | null = null;
  exitSignal: NodeJS.Signals | null = null;
  private exited?: Promise<void>;

  readonly options: ProcessOptions;

  constructor(options: ProcessOptions) {
    this.options = options;
  }

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where probes and /metrics are read: OPS_PORT when the env sets one (PORT may speak TLS), else PORT. */
  get probeUrl(): string {
    const ops = this.options.env.OPS_PORT;
    return ops ? `http://127.0.0.1:${ops}` : this.url;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitCode === null && this.exitSignal === null;
  }

  /** Spawns the process; resolves once it is listening (not necessarily ready). */
  async start(): Promise<void> {
    const bin = this.options.bin ?? ZEN_WATCHER_BIN;
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build first`);
    this.port = this.options.port ?? this.port ?? 0;
    if (!this.port) this.port = await freePort();
    this.exitCode = null;
    this.exitSignal = null;
    const child = spawn(process.execPath, [bin, ...(this.options.args ?? [])], {
      cwd: this.options.cwd,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(this.port), POD_NAME: this.name, LOG_LEVEL: 'debug', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        this.logs.push({ msg: line });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        resolve();
      }),
    );
    await waitFor(`${this.name} to listen`, async () => {
      if (!this.running) throw new GiveUp(`${this.name} exited (${this.exitCode ?? this.exitSignal}): ${this.stderr.join('\n')}`);
      return (await fetch(`${this.probeUrl}/healthz`).then((r) => r.ok).catch(() => false)) || undefined;
    }, { timeoutMs: 15_000, describe: () => ({ stderr: this.stderr.slice(-5), logs: this.logs.slice(-5) }) });
  }

  /** Waits until /readyz answers 200. */
  async ready(timeoutMs = 15_000): Promise<void> {
    await waitFor(`${this.name} to be ready`, async () => (await fetch(`${this.probeUrl}/readyz`).then((r) => r.ok).catch(() => false)) || undefined, {
      timeoutMs,
      describe: () => ({ logs: this.logs.slice(-5), stderr: this.stderr.slice(-5) }),
    });
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child!.kill(signal);
    await Promise.race([this.exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms after ${signal}`)), timeoutMs))]);
    return { code: this.exitCode, signal: this.exitSignal };
  }

  async restart(): Promise<void> {
    if (this.running) await this.stop('SIGTERM');
    await this.start();
  }

  async samples(): Promise<Sample[]> {
    return parsePrometheusText(await (await fetch(`${this.probeUrl}/metrics`)).text());
  }

  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    return sumOf(await this.samples(), name, labels);
  }

  /** POSTs to this process; `timeoutMs` is the sender's patience (it rejects after it). */
  post(path: string, body: unknown, headers: Record<string, string> = {}, options: { timeoutMs?: number } = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
    });
  }

  /** Log lines whose `msg` matches. */
  logged(msg: string | RegExp): Record<string, unknown>[] {
    return this.logs.filter((l) => (typeof msg === 'string' ? String(l.msg ?? '').includes(msg) : msg.test(String(l.msg ?? ''))));
  }
}
