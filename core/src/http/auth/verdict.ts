/**
 * Why a request was refused: the `reason` label of `zen_watcher_webhook_auth_failures_total` and
 * the `reason` of the answer's body. `review_unavailable` is the one that is not the sender's
 * fault: the API server could not review a token, so the answer is 503, never 200 or 401.
 */
export type AuthFailure =
  | 'missing_credentials'
  | 'bad_token'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'secret_unavailable'
  | 'account_not_allowed'
  | 'review_unavailable';

/** A refused request: the status and headers to answer with, and a detail for the log (never a credential). */
export interface AuthVerdict {
  status: 401 | 503;
  reason: AuthFailure;
  headers: Record<string, string>;
  detail?: string;
}

/** What `checkAuth` returns: undefined when the request may pass; a promise only where the scheme asks the API server. */
export type AuthOutcome = AuthVerdict | undefined;

export function refused(reason: Exclude<AuthFailure, 'review_unavailable'>, challenge: string, detail?: string): AuthVerdict {
  return { status: 401, reason, headers: { 'www-authenticate': challenge }, detail };
}

export function unavailable(retryAfterSeconds: number, detail: string): AuthVerdict {
  return { status: 503, reason: 'review_unavailable', headers: { 'retry-after': String(retryAfterSeconds) }, detail };
}
