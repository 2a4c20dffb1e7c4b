import type { WebhookAuth } from '../../config/source-spec.js';
import { authorization, type Headers } from './request-headers.js';
import { refused, unavailable, type AuthOutcome } from './verdict.js';

/** What the API server's TokenReview said about a token (see cluster/token-reviewer.ts). */
export type TokenReview =
  | { kind: 'authenticated'; username: string; audiences: readonly string[] }
  | { kind: 'rejected'; error: string }
  | { kind: 'unavailable'; message: string; retryAfterSeconds: number };

/** Asks the API server who a bearer token belongs to, for which audiences. */
export interface TokenReviewer {
  review(token: string, audiences: readonly string[]): Promise<TokenReview>;
}

// Service-account JWTs are about a kilobyte; anything far larger is not one and is not sent on.
const MAX_TOKEN_LENGTH = 16 * 1024;
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** Whether `username` is one of the listed accounts, or an account of a listed namespace. */
export function accountAllowed(auth: WebhookAuth, username: string): boolean {
  const m = SERVICE_ACCOUNT.exec(username);
  if (!m) return false;
  return (auth.serviceAccounts ?? []).includes(username) || (auth.serviceAccountNamespaces ?? []).includes(m[1]);
}

/**
 * `type: serviceAccount`: a bearer token that TokenReview finds valid for one of `audiences`, of
 * an allowed service account. An API server that cannot answer gives 503 with Retry-After, so the
 * sender retries; it never lets a request through.
 */
export async function checkServiceAccount(auth: WebhookAuth, headers: Headers, reviewer: TokenReviewer | undefined): Promise<AuthOutcome> {
  const token = authorization(headers, 'Bearer');
  if (token === undefined) return refused('missing_credentials', 'Bearer');
  if (token.length > MAX_TOKEN_LENGTH) return refused('bad_token', 'Bearer', 'the token is too long to be a service-account token');
  if (!reviewer) return unavailable(30, 'serviceAccount auth needs cluster mode (TokenReview)');
  const audiences = auth.audiences ?? [];
  const review = await reviewer.review(token, audiences);
  if (review.kind === 'unavailable') return unavailable(review.retryAfterSeconds, `TokenReview failed: ${review.message}`);
  if (review.kind === 'rejected') return refused('bad_token', 'Bearer', `TokenReview: ${review.error}`);
  // The API docs ask clients that set spec.audiences to check status.audiences: an authenticator
  // that ignores audiences would otherwise accept a token meant for someone else.
  if (!review.audiences.some((a) => audiences.includes(a))) return refused('bad_token', 'Bearer', `TokenReview did not confirm an audience of ${JSON.stringify(audiences)}`);
  if (!accountAllowed(auth, review.username)) return refused('account_not_allowed', 'Bearer', `${review.username} is not an allowed service account`);
  return undefined;
}
