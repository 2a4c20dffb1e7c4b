/** Thrown by a probe to stop waiting at once (the process died: no point in waiting longer). */
export class GiveUp extends Error {}

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after
 * `timeoutMs` with a message saying what was awaited and what was last seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => unknown } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const interval = options.intervalMs ?? 50;
  const t0 = Date.now();
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      last = v;
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = err;
    }
    if (Date.now() - t0 > timeoutMs) {
      const seen = options.describe ? await options.describe() : last;
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(seen)?.slice(0, 2000)}${lastError ? `; last error: ${(lastError as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
