import { KubeApiError } from './kube-http.js';

/** Exponential backoff with full jitter, capped; `attempt` starts at 0. */
export function backoffMs(attempt: number, baseMs = 250, capMs = 30_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

/** Whether a failed request may succeed if sent again (throttled, unavailable, network). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.status === 429 || err.status >= 500;
  const name = (err as Error)?.name;
  // fetch failures (connection refused/reset) and our own per-request timeouts
  return name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError' || (err as { code?: string })?.code === 'ECONNRESET';
}

/** How long to wait before retry `attempt`: the server's Retry-After when it gave one. */
export function retryDelayMs(err: unknown, attempt: number): number {
  if (err instanceof KubeApiError && err.retryAfterSeconds !== undefined) return err.retryAfterSeconds * 1000;
  return backoffMs(attempt);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}
