import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookAuth } from '../config/source-spec.js';

/** Reads a key of a Secret; the cluster implementation caches Secrets and reloads them on change. */
export interface SecretReader {
  read(namespace: string, name: string, key: string): string | undefined;
}

/** Why a request was refused; the `reason` label of `zen_watcher_webhook_auth_failures_total`. */
export type AuthFailure = 'missing_credentials' | 'bad_token' | 'bad_signature' | 'stale_timestamp' | 'secret_unavailable';

export const DEFAULT_SIGNATURE_HEADER = 'x-zen-signature';
export const DEFAULT_TIMESTAMP_HEADER = 'x-zen-timestamp';
export const DEFAULT_TOLERANCE_SECONDS = 300;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Signs a body the way the host verifies it: hex HMAC-SHA256 over `<timestamp>.<body>`, sent as
 * `X-Zen-Signature: sha256=<hex>` with `X-Zen-Timestamp: <unix seconds>`. Binding the timestamp
 * into the signature is what lets the host refuse replays outside the tolerance window.
 */
export function signBody(secret: string, timestamp: number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Checks a webhook request against `spec.webhook.auth`. Returns undefined when it may pass.
 */
export function checkAuth(
  auth: WebhookAuth | undefined,
  namespace: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: Buffer,
  secrets: SecretReader,
  nowSeconds = Date.now() / 1000,
): AuthFailure | undefined {
  if (!auth || auth.type === 'none') return undefined;
  const secret = auth.secretRef ? secrets.read(namespace, auth.secretRef.name, auth.secretRef.key) : undefined;
  if (!secret) return 'secret_unavailable';
  if (auth.type === 'bearer') {
    const h = header(headers, 'authorization');
    if (!h) return 'missing_credentials';
    const m = /^Bearer\s+(.+)$/i.exec(h);
    return m && safeEqual(m[1].trim(), secret) ? undefined : 'bad_token';
  }
  const sig = header(headers, auth.signatureHeader ?? DEFAULT_SIGNATURE_HEADER);
  const ts = header(headers, auth.timestampHeader ?? DEFAULT_TIMESTAMP_HEADER);
  if (!sig || !ts) return 'missing_credentials';
  const t = Number(ts);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > (auth.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return 'stale_timestamp';
  return safeEqual(sig.trim(), signBody(secret, t, rawBody)) ? undefined : 'bad_signature';
}
