import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { TokenReview, TokenReviewer } from '../http/webhook-auth.js';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';

export interface TokenReviewerOptions {
  /** How long an accepted token is trusted without asking again (capped by a JWT's own `exp`). */
  acceptedTtlMs?: number;
  /** How long a refused token stays refused without asking again (a sender retrying a bad token). */
  rejectedTtlMs?: number;
  /** Verdicts kept; the least recently used goes first. */
  maxEntries?: number;
  /** Reviews waiting on the API server at once; beyond it a request gets 503 at once instead of queueing. */
  maxInFlight?: number;
  timeoutMs?: number;
}

interface Remembered {
  review: TokenReview;
  until: number;
}

type ReviewStatus = { authenticated?: boolean; user?: { username?: string }; audiences?: string[]; error?: string };

/** A JWT's `exp` in epoch milliseconds, read without verifying (the API server verified it). */
function jwtExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TokenReview (`authentication.k8s.io/v1`) for `serviceAccount` webhook auth, with a small cache:
 * a sender posting many alerts with one token costs one review per TTL, not one per request. The
 * cache is keyed by a SHA-256 of the audiences and the token, so no token is ever held as a key;
 * concurrent requests with the same token share one review. Failures are never cached.
 */
export class KubeTokenReviewer implements TokenReviewer {
  private readonly cache = new Map<string, Remembered>();
  private readonly inFlight = new Map<string, Promise<TokenReview>>();
  private readonly reviews: Counter<'result' | 'from'>;
  private readonly acceptedTtlMs: number;
  private readonly rejectedTtlMs: number;
  private readonly maxEntries: number;
  private readonly maxInFlight: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly http: KubeHttp,
    registry: Registry,
    options: TokenReviewerOptions = {},
  ) {
    this.acceptedTtlMs = options.acceptedTtlMs ?? 30_000;
    this.rejectedTtlMs = options.rejectedTtlMs ?? 5_000;
    this.maxEntries = options.maxEntries ?? 1_000;
    this.maxInFlight = options.maxInFlight ?? 32;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.reviews = new Counter({
      name: 'zen_watcher_token_reviews_total',
      help: 'Bearer tokens of serviceAccount webhook auth reviewed, by result and whether the API server was asked (from="api") or the cache answered',
      labelNames: ['result', 'from'],
      registers: [registry],
    });
  }

  async review(token: string, audiences: readonly string[]): Promise<TokenReview> {
    const key = createHash('sha256').update(JSON.stringify(audiences)).update('\0').update(token).digest('base64url');
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      if (hit.until > Date.now()) {
        this.cache.set(key, hit);
        this.reviews.inc({ result: hit.review.kind, from: 'cache' });
        return hit.review;
      }
    }
    // Joining a review already under way costs the API server nothing either: counted as the cache's.
    const pending = this.inFlight.get(key);
    if (pending) return pending.then((review) => (this.reviews.inc({ result: review.kind, from: 'cache' }), review));
    if (this.inFlight.size >= this.maxInFlight) {
      this.reviews.inc({ result: 'unavailable', from: 'cache' });
      return { kind: 'unavailable', message: `${this.maxInFlight} token reviews already wait on the API server`, retryAfterSeconds: 1 };
    }
    const asked = this.ask(token, audiences)
      .then((review) => {
        this.reviews.inc({ result: review.kind, from: 'api' });
        if (review.kind !== 'unavailable') this.remember(key, review, token);
        return review;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, asked);
    return asked;
  }

  private remember(key: string, review: TokenReview, token: string): void {
    const now = Date.now();
    let until = now + (review.kind === 'authenticated' ? this.acceptedTtlMs : this.rejectedTtlMs);
    // Never trust a token past its own expiry because of the cache.
    const exp = review.kind === 'authenticated' ? jwtExpiry(token) : undefined;
    if (exp !== undefined) until = Math.min(until, exp);
    if (until <= now) return;
    this.cache.set(key, { review, until });
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
  }

  private async ask(token: string, audiences: readonly string[]): Promise<TokenReview> {
    try {
      const res = await this.http.request<{ status?: ReviewStatus }>({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/tokenreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences } },
        timeoutMs: this.timeoutMs,
      });
      const s = res.status ?? {};
      if (s.authenticated === true && s.user?.username) return { kind: 'authenticated', username: s.user.username, audiences: s.audiences ?? [] };
      return { kind: 'rejected', error: s.error || 'the token is not authenticated' };
    } catch (err) {
      if (err instanceof KubeApiError) {
        const hint = err.status === 403 ? ' (zen-watcher may not create tokenreviews: set the chart value webhook.serviceAccountAuth.enabled)' : '';
        return { kind: 'unavailable', message: `${err.status} ${err.reason || 'error'}: ${err.message}${hint}`, retryAfterSeconds: err.retryAfterSeconds ?? 5 };
      }
      return { kind: 'unavailable', message: (err as Error).message, retryAfterSeconds: 5 };
    }
  }
}
