/**
 * Headers that carry credentials of some webhook auth scheme. The host removes them (and the
 * scheme's own configured header) before a plugin sees the headers, so a plugin never holds a
 * credential or logs one by accident; the testing harness removes the same ones.
 */
export const CREDENTIAL_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-zen-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'x-gitlab-token',
  'stripe-signature',
  'x-slack-signature',
];

/**
 * A copy of `headers` without credentials: every name in {@link CREDENTIAL_HEADERS} and in
 * `extra` (case-insensitive).
 *
 * @example
 * ```ts
 * withoutCredentials({ authorization: 'Bearer x', 'user-agent': 'falco' }); // { 'user-agent': 'falco' }
 * ```
 */
export function withoutCredentials<H extends Record<string, unknown>>(headers: H, extra: readonly string[] = []): H {
  const out: Record<string, unknown> = { ...headers };
  for (const name of [...CREDENTIAL_HEADERS, ...extra]) delete out[name.toLowerCase()];
  return out as H;
}
