import type { KubeConfig } from '@kubernetes/client-node';
import { fetch } from 'undici';
import type { Logger } from 'pino';
import { ApiAvailability, meansUnreachable } from './api-availability.js';
import { clientNodeCredentials, isClientNodeConfig } from './client-node-credentials.js';
import type { KubeAuth, KubeCredentials } from './kube-credentials.js';
import { TokenBucket } from './rate-limiter.js';

/** An error answer of the API server, with its Status `reason` and any Retry-After. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly retryAfterSeconds?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

/** One line of a watch stream. */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown> & { metadata?: { resourceVersion?: string; name?: string; namespace?: string } };
}

const AUTH_TTL_MS = 30_000;

const noop = () => undefined;
const silent = { error: noop, info: noop, warn: noop, debug: noop } as unknown as Logger;

/**
 * A small JSON client for the Kubernetes API, on credentials from our own kubeconfig loader
 * (`load-credentials.ts`) or a @kubernetes/client-node KubeConfig. We talk to the API directly
 * rather than through client-node's generated typed clients because those choose patch content
 * types for us, re-serialise MicroTime with milliseconds (which the API server refuses for
 * Leases) and drop CRD schema keys; every request also goes through the client-side rate limit.
 */
export class KubeHttp {
  private readonly limiter: TokenBucket;
  private readonly credentialSource: KubeCredentials;
  private auth?: KubeAuth & { at: number };
  readonly server: string;

  /** Whether the API server is reachable, from how requests went (and a probe while it is not). */
  readonly availability: ApiAvailability;

  constructor(
    credentials: KubeCredentials | KubeConfig,
    options: { qps: number; burst: number; log?: Logger; onAvailability?: (up: boolean) => void; probeIntervalMs?: number },
  ) {
    this.credentialSource = isClientNodeConfig(credentials) ? clientNodeCredentials(credentials) : credentials;
    this.server = this.credentialSource.server;
    this.limiter = new TokenBucket(options.qps, options.burst);
    this.availability = new ApiAvailability({
      // /version is readable by anyone (system:public-info-viewer) and costs the server nothing.
      probe: () => this.send({ method: 'GET', path: '/version', timeoutMs: 2000 }).then(() => undefined),
      log: options.log ?? silent,
      onChange: options.onAvailability,
      probeIntervalMs: options.probeIntervalMs,
    });
  }

  // Re-read every 30 s rather than per request: a rotated token or certificate is picked up
  // within that, and an exec plugin is not run for each request.
  private async credentials(): Promise<KubeAuth> {
    if (this.auth && performance.now() - this.auth.at < AUTH_TTL_MS) return this.auth;
    this.auth = { ...(await this.credentialSource.auth()), at: performance.now() };
    return this.auth;
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /** Sends one request; resolves with the parsed JSON body, rejects with a KubeApiError. */
  async request<T = Record<string, unknown>>(req: KubeRequest): Promise<T> {
    await this.limiter.acquire();
    try {
      const body = await this.send<T>(req);
      this.availability.succeeded();
      return body;
    } catch (err) {
      // Our own abort (stopping) says nothing about the API server; an answer does, unless it is
      // a 502/503/504 from whatever fronts it.
      if (err instanceof KubeApiError ? meansUnreachable(err.status) : !req.signal?.aborted) this.availability.failed(err);
      else if (err instanceof KubeApiError) this.availability.succeeded();
      throw err;
    }
  }

  private async send<T>(req: KubeRequest): Promise<T> {
    const { headers, dispatcher } = await this.credentials();
    const timeout = AbortSignal.timeout(req.timeoutMs ?? 30_000);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    const h: Record<string, string> = { ...headers, accept: 'application/json' };
    if (req.body !== undefined) h['content-type'] = req.contentType ?? 'application/json';
    const res = await fetch(this.url(req.path, req.query), {
      method: req.method,
      headers: h,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      dispatcher,
      signal,
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return (text ? JSON.parse(text) : {}) as T;
    throw errorFrom(res.status, text, res.headers.get('retry-after'));
  }

  /**
   * Streams a watch: calls (and awaits) `onEvent` for each line until the server ends the stream (resolves)
   * or the request fails (rejects with a KubeApiError, or the abort reason).
   */
  async watch(path: string, query: Query, onEvent: (e: WatchEvent) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    await this.limiter.acquire();
    const { headers, dispatcher } = await this.credentials();
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(this.url(path, { ...query, watch: true }), { method: 'GET', headers: { ...headers, accept: 'application/json' }, dispatcher, signal });
    } catch (err) {
      if (!signal.aborted) this.availability.failed(err);
      throw err;
    }
    if (meansUnreachable(res.status)) this.availability.failed(new Error(`HTTP ${res.status}`));
    else this.availability.succeeded();
    if (res.status !== 200) throw errorFrom(res.status, await res.text(), res.headers.get('retry-after'));
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        // Awaited: a slow consumer slows the read, which is the backpressure we want.
        if (line) await onEvent(JSON.parse(line) as WatchEvent);
      }
    }
    if (buffered.trim()) await onEvent(JSON.parse(buffered) as WatchEvent);
  }
}

function errorFrom(status: number, text: string, retryAfter: string | null): KubeApiError {
  let reason = '';
  let message = text.slice(0, 500) || `HTTP ${status}`;
  let details: unknown;
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string; details?: unknown };
    reason = s.reason ?? '';
    message = s.message ?? message;
    details = s.details;
  } catch {
    // not a Status object (a proxy's error page): keep the text
  }
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  return new KubeApiError(status, reason, message, seconds, details);
}

/** A Kubernetes MicroTime: RFC 3339 with exactly six fractional digits (the API server refuses three). */
export function microTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
