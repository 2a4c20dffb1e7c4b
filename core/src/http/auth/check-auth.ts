import type { WebhookAuth } from '../../config/source-spec.js';
import type { Headers } from './request-headers.js';
import { checkServiceAccount, type TokenReviewer } from './service-account-auth.js';
import { checkBasic, checkBearer, checkHeaderToken } from './shared-secret-auth.js';
import { signatureScheme } from './signature-scheme.js';
import { verifySignature } from './verify-signature.js';
import { refused, type AuthOutcome } from './verdict.js';

/** Reads a key of a Secret; the cluster implementation caches Secrets and reloads them on change. */
export interface SecretReader {
  read(namespace: string, name: string, key: string): string | undefined;
}

/** Where credentials are checked against: Secrets, and (cluster mode) the API server's TokenReview. */
export interface AuthBackends {
  secrets: SecretReader;
  tokenReviewer?: TokenReviewer;
}

const CHALLENGE: Record<Exclude<WebhookAuth['type'], 'none' | 'serviceAccount'>, (auth: WebhookAuth) => string> = {
  bearer: () => 'Bearer',
  hmac: (auth) => `HMAC-${(auth.algorithm ?? 'sha256').toUpperCase()}`,
  token: (auth) => `Token header="${auth.header}"`,
  basic: () => 'Basic realm="zen-watcher", charset="UTF-8"',
};

/**
 * Checks a webhook request against `spec.webhook.auth`, on the raw body before it is parsed.
 * Returns undefined when it may pass, else what to answer. Synchronous for the schemes that read
 * a Secret (the hot path allocates no promise); a promise for `serviceAccount`, which asks the
 * API server.
 */
export function checkAuth(
  auth: WebhookAuth | undefined,
  namespace: string,
  headers: Headers,
  rawBody: Buffer,
  backends: AuthBackends,
  nowSeconds = Date.now() / 1000,
): AuthOutcome | Promise<AuthOutcome> {
  if (!auth || auth.type === 'none') return undefined;
  if (auth.type === 'serviceAccount') return checkServiceAccount(auth, headers, backends.tokenReviewer);
  const ref = auth.secretRef;
  const secret = ref ? backends.secrets.read(namespace, ref.name, ref.key) : undefined;
  if (!secret) return refused('secret_unavailable', CHALLENGE[auth.type](auth), ref ? `Secret ${namespace}/${ref.name} key ${ref.key} is not available` : 'no secretRef');
  switch (auth.type) {
    case 'bearer':
      return checkBearer(secret, headers);
    case 'token':
      return checkHeaderToken(auth, secret, headers);
    case 'basic':
      return checkBasic(auth.username ?? backends.secrets.read(namespace, ref!.name, 'username'), secret, headers);
    case 'hmac':
      return verifySignature(signatureScheme(auth), secret, headers, rawBody, nowSeconds);
  }
}
