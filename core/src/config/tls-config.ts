import type { TlsConfig } from './host-config.js';

/** True when PORT serves HTTPS. */
export function tlsEnabled(tls: TlsConfig): boolean {
  return Boolean(tls.secretName || tls.certFile || tls.keyFile);
}

/** True when clients must present a certificate (mTLS). */
export function clientCertificatesRequired(tls: TlsConfig): boolean {
  return Boolean(tls.clientCaSecretName || tls.clientCaFile);
}

/** Combinations of `webhook.tls` that cannot work, each named by its variables. */
export function tlsConfigProblems(tls: TlsConfig): string[] {
  const problems: string[] = [];
  if (tls.secretName && (tls.certFile || tls.keyFile)) problems.push('webhook.tls: TLS_SECRET_NAME and TLS_CERT_FILE/TLS_KEY_FILE both name a certificate; give one');
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) problems.push('webhook.tls: TLS_CERT_FILE and TLS_KEY_FILE go together');
  if (tls.clientCaSecretName && tls.clientCaFile) problems.push('webhook.tls: TLS_CLIENT_CA_SECRET_NAME and TLS_CLIENT_CA_FILE both name the client CA; give one');
  if (clientCertificatesRequired(tls) && !tlsEnabled(tls)) problems.push('webhook.tls: a client CA (mTLS) needs TLS itself: set TLS_SECRET_NAME or TLS_CERT_FILE/TLS_KEY_FILE');
  return problems;
}

/** `namespace/name` of the Secrets TLS reads (cluster mode watches them like webhook auth Secrets). */
export function tlsSecretRefs(tls: TlsConfig, namespace: string): string[] {
  return [...new Set([tls.secretName, tls.clientCaSecretName].filter(Boolean).map((name) => `${namespace}/${name}`))];
}
