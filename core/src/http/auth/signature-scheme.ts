import type { WebhookAuth } from '../../config/source-spec.js';

export type Preset = NonNullable<WebhookAuth['preset']>;

/**
 * How one sender signs: `<header>: <prefix><digest>`, the digest an HMAC of `payload` (a template
 * over the raw body and, where the sender has one, the timestamp it sends). Stripe puts the
 * timestamp and the signatures into one header (`t=<ts>,v1=<hex>[,v1=<hex>]`) instead.
 */
export interface SignatureScheme {
  preset: Preset;
  header: string;
  prefix: string;
  payload: string;
  /** Where the timestamp comes from when `payload` has `{timestamp}`; Stripe's is inside `header`. */
  timestampHeader?: string;
  toleranceSeconds: number;
  algorithm: 'sha256' | 'sha512' | 'sha1';
  encoding: 'hex' | 'base64';
}

export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * The formats each sender documents. zen is the default and the generic form: every field can be
 * changed (header, prefix, payload template, timestamp header, tolerance, algorithm, encoding).
 */
export const PRESETS: Record<Preset, Omit<SignatureScheme, 'preset'>> = {
  // X-Zen-Signature: sha256=<hex HMAC-SHA256 of "<ts>.<body>">, X-Zen-Timestamp: <unix seconds>.
  zen: { header: 'x-zen-signature', prefix: 'sha256=', payload: '{timestamp}.{body}', timestampHeader: 'x-zen-timestamp', toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, algorithm: 'sha256', encoding: 'hex' },
  // GitHub: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>. No timestamp, so no replay window.
  github: { header: 'x-hub-signature-256', prefix: 'sha256=', payload: '{body}', toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, algorithm: 'sha256', encoding: 'hex' },
  // Stripe: Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">; its libraries allow 300 s.
  stripe: { header: 'stripe-signature', prefix: '', payload: '{timestamp}.{body}', toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, algorithm: 'sha256', encoding: 'hex' },
  // Slack: X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">, X-Slack-Request-Timestamp; Slack says 5 minutes.
  slack: { header: 'x-slack-signature', prefix: 'v0=', payload: 'v0:{timestamp}:{body}', timestampHeader: 'x-slack-request-timestamp', toleranceSeconds: DEFAULT_TOLERANCE_SECONDS, algorithm: 'sha256', encoding: 'hex' },
};

/** Fields a preset fixes: Stripe's header has its own layout, so only its name and tolerance may change. */
export const STRIPE_FIXED = ['signaturePrefix', 'payload', 'timestampHeader', 'algorithm', 'encoding'] as const;

/** The preset, with the Ingester's fields over it. */
export function signatureScheme(auth: WebhookAuth): SignatureScheme {
  const preset = auth.preset ?? 'zen';
  const base = PRESETS[preset];
  return {
    preset,
    header: (auth.signatureHeader ?? base.header).toLowerCase(),
    prefix: auth.signaturePrefix ?? base.prefix,
    payload: auth.payload ?? base.payload,
    timestampHeader: (auth.timestampHeader ?? base.timestampHeader)?.toLowerCase(),
    toleranceSeconds: auth.toleranceSeconds ?? base.toleranceSeconds,
    algorithm: auth.algorithm ?? base.algorithm,
    encoding: auth.encoding ?? base.encoding,
  };
}

/** What is wrong with a payload template, or undefined: `{body}` exactly once, `{timestamp}` at most once, nothing else in braces. */
export function payloadProblem(payload: string): string | undefined {
  const placeholders = [...payload.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]);
  const unknown = placeholders.filter((p) => p !== 'body' && p !== 'timestamp');
  if (unknown.length > 0) return `spec.webhook.auth.payload has {${unknown[0]}}; only {body} and {timestamp} exist`;
  if (placeholders.filter((p) => p === 'body').length !== 1) return 'spec.webhook.auth.payload must hold {body} exactly once (the raw request body)';
  if (placeholders.filter((p) => p === 'timestamp').length > 1) return 'spec.webhook.auth.payload may hold {timestamp} only once';
  return undefined;
}

export const signsTimestamp = (scheme: SignatureScheme): boolean => scheme.payload.includes('{timestamp}');
