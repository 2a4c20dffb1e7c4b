import { createHmac } from 'node:crypto';
import { sameDigest } from './constant-time.js';
import { headerValue, type Headers } from './request-headers.js';
import { signsTimestamp, type SignatureScheme } from './signature-scheme.js';
import { refused, type AuthOutcome } from './verdict.js';

/** The HMAC of the scheme's payload with the raw body streamed in, never copied into a string. */
function digest(scheme: SignatureScheme, secret: string, timestamp: string, body: Buffer): Buffer {
  const [before, after] = scheme.payload.replace('{timestamp}', timestamp).split('{body}');
  return createHmac(scheme.algorithm, secret).update(before).update(body).update(after).digest();
}

function decode(signature: string, encoding: SignatureScheme['encoding']): Buffer | undefined {
  const s = signature.trim();
  if (encoding === 'hex') return /^(?:[0-9a-fA-F]{2})+$/.test(s) ? Buffer.from(s, 'hex') : undefined;
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) ? Buffer.from(s, 'base64') : undefined;
}

/** Stripe-Signature: `t=<ts>,v1=<sig>,v1=<sig>,v0=...`; every v1 is a candidate (two during a secret roll). */
function stripeParts(value: string): { timestamp?: string; signatures: string[] } {
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (key === 't') timestamp = part.slice(eq + 1).trim();
    else if (key === 'v1') signatures.push(part.slice(eq + 1).trim());
  }
  return { timestamp, signatures };
}

function signedParts(scheme: SignatureScheme, headers: Headers): { timestamp?: string; signatures: string[] } | undefined {
  const value = headerValue(headers, scheme.header);
  if (!value) return undefined;
  if (scheme.preset === 'stripe') return stripeParts(value);
  const p = scheme.prefix;
  const signature = value.trim();
  if (p && signature.slice(0, p.length).toLowerCase() !== p.toLowerCase()) return { signatures: [] };
  return { timestamp: scheme.timestampHeader ? headerValue(headers, scheme.timestampHeader)?.trim() : undefined, signatures: [signature.slice(p.length)] };
}

/**
 * Checks an HMAC-signed request on its raw body. Where the payload binds a timestamp, it must be
 * within the tolerance of this pod's clock (either side), which is what refuses a replay.
 */
export function verifySignature(scheme: SignatureScheme, secret: string, headers: Headers, body: Buffer, nowSeconds: number): AuthOutcome {
  const challenge = `HMAC-${scheme.algorithm.toUpperCase()}`;
  const parts = signedParts(scheme, headers);
  if (!parts) return refused('missing_credentials', challenge, `no ${scheme.header} header`);
  let timestamp = '';
  if (signsTimestamp(scheme)) {
    if (parts.timestamp === undefined || parts.timestamp === '') return refused('missing_credentials', challenge, `no timestamp (${scheme.preset === 'stripe' ? 't= in Stripe-Signature' : scheme.timestampHeader})`);
    const t = Number(parts.timestamp);
    if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > scheme.toleranceSeconds) return refused('stale_timestamp', challenge, `timestamp ${parts.timestamp.slice(0, 20)} is not within ${scheme.toleranceSeconds}s of now`);
    // Signed as sent: the sender's text, not our rendering of the number.
    timestamp = parts.timestamp;
  }
  const expected = digest(scheme, secret, timestamp, body);
  let match = false;
  // Every candidate is compared (no early exit), so timing does not tell which one matched.
  for (const s of parts.signatures) {
    const given = decode(s, scheme.encoding);
    if (given && sameDigest(given, expected)) match = true;
  }
  return match ? undefined : refused('bad_signature', challenge);
}

/**
 * Signs a body the way the host verifies the default (zen) scheme: hex HMAC-SHA256 over
 * `<timestamp>.<body>`, sent as `X-Zen-Signature: sha256=<hex>` with `X-Zen-Timestamp: <unix
 * seconds>`. Binding the timestamp into the signature is what lets the host refuse replays.
 */
export function signBody(secret: string, timestamp: number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}
