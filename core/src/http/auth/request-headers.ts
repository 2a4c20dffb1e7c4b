import type { WebhookAuth } from '../../config/source-spec.js';

export type Headers = Record<string, string | string[] | undefined>;

/** One header's value (the first, if sent twice); names are matched case-insensitively. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The credential of `Authorization: <scheme> <credential>`, or undefined. */
export function authorization(headers: Headers, scheme: 'Bearer' | 'Basic'): string | undefined {
  const h = headerValue(headers, 'authorization');
  if (!h) return undefined;
  const space = h.indexOf(' ');
  if (space < 0 || h.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  const credential = h.slice(space + 1).trim();
  return credential || undefined;
}

/**
 * Headers that carry a credential in some scheme the host knows, whatever the source's own
 * scheme is: a GitHub signature sent to a bearer-protected path is still a secret-derived value.
 */
const CREDENTIAL_HEADERS = ['authorization', 'x-zen-signature', 'x-hub-signature', 'x-hub-signature-256', 'stripe-signature', 'x-slack-signature', 'x-gitlab-token'];

/** The request's headers without any credential, for the plugin (which might log them). */
export function withoutCredentials(headers: Headers, auth: WebhookAuth | undefined): Headers {
  const out = { ...headers };
  for (const name of CREDENTIAL_HEADERS) delete out[name];
  if (auth?.signatureHeader) delete out[auth.signatureHeader.toLowerCase()];
  if (auth?.header) delete out[auth.header.toLowerCase()];
  return out;
}
