import { withoutCredentials as stripCredentials } from '@zen-watcher/sdk/host';
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
 * The request's headers without any credential, for the plugin (which might log them): every
 * header some scheme the host knows carries a credential in (a GitHub signature sent to a
 * bearer-protected path is still a secret-derived value; the list is the sdk's, so the testing
 * harness strips the same), and the source's own configured ones.
 */
export function withoutCredentials(headers: Headers, auth: WebhookAuth | undefined): Headers {
  return stripCredentials(headers, [auth?.signatureHeader, auth?.header].filter((h): h is string => h !== undefined));
}
