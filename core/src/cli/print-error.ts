import { HostError } from '../errors.js';

type Failure = Error & { code?: unknown; syscall?: unknown; cause?: unknown };

/** An error written for people: a stable ZW_ERR_ code (the host's or the contract's), or the OS refusing something (EADDRINUSE). */
function forPeople(err: unknown): boolean {
  const e = err as Failure;
  return err instanceof HostError || (typeof e?.code === 'string' && e.code.startsWith('ZW_ERR_')) || typeof e?.syscall === 'string';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What the `zen-watcher` command prints for an error that ended it. Config, plugin and OS errors
 * are for people: their message and the chain of causes, no stack (`LOG_LEVEL=debug` adds it).
 * Anything else is a bug of zen-watcher or of a plugin, and its stack is what helps.
 */
export function formatCliError(err: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const debug = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  if (!forPeople(err)) return `zen-watcher: ${(err as Error)?.stack ?? String(err)}\n`;
  const lines = [`zen-watcher: ${messageOf(err)}`];
  const seen = new Set<unknown>([err]);
  for (let cause = (err as Failure).cause; cause !== undefined && !seen.has(cause); cause = (cause as Failure)?.cause) {
    seen.add(cause);
    // Wrappers often quote their cause ("failed to load: <cause>"): say it once.
    if (!lines.some((l) => l.includes(messageOf(cause)))) lines.push(`  cause: ${messageOf(cause)}`);
  }
  if (debug && err instanceof Error && err.stack) lines.push(err.stack);
  return `${lines.join('\n')}\n`;
}

/** A warning of a one-shot command, on stderr so that stdout (`--json`) stays parseable. */
export function printWarning(message: string): void {
  process.stderr.write(`zen-watcher: warning: ${message}\n`);
}
