import { readFileSync, statSync } from 'node:fs';
import type { TlsConfig } from '../../config/host-config.js';
import type { SecretReader } from '../webhook-auth.js';

/** PEM text for the server: its chain and key, and the CAs client certificates must chain to. */
export interface TlsMaterial {
  cert: string;
  key: string;
  ca?: string;
}

type Read<T> = { ok: true; value: T } | { ok: false; missing: string };

/** Where the certificate comes from; `read()` is cheap and called every second to notice a renewal. */
export interface CertificateSource {
  read(): Read<TlsMaterial>;
}

interface PemSource<K extends string> {
  read(): Read<Record<K, string>>;
}

/** A file's identity and version; a kubelet-mounted Secret changes it by swapping a symlink. */
function fileVersion(path: string): string {
  const s = statSync(path);
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

/** PEM files, re-read only when one of them changed; a file missing mid-swap keeps what was read. */
function fromFiles<K extends string>(paths: Record<K, string>): PemSource<K> {
  let version = '';
  let last: Read<Record<K, string>> = { ok: false, missing: `TLS files ${Object.values(paths).join(', ')}` };
  return {
    read() {
      try {
        const v = Object.values<string>(paths).map(fileVersion).join('|');
        if (v !== version) {
          last = { ok: true, value: Object.fromEntries(Object.entries<string>(paths).map(([k, p]) => [k, readFileSync(p, 'utf8')])) as Record<K, string> };
          version = v;
        }
      } catch (err) {
        if (!last.ok) last = { ok: false, missing: `TLS file: ${(err as Error).message}` };
      }
      return last;
    },
  };
}

/** Keys of a Secret, from the host's Secret cache (cluster mode), which a watch keeps fresh. */
function fromSecret<K extends string>(secrets: SecretReader, namespace: string, name: string, keys: Record<K, string>): PemSource<K> {
  const missing = `Secret ${namespace}/${name} with ${Object.values(keys).join(' and ')}`;
  return {
    read() {
      const value = {} as Record<K, string>;
      for (const [field, key] of Object.entries<string>(keys)) {
        const v = secrets.read(namespace, name, key);
        if (!v) return { ok: false, missing };
        value[field as K] = v;
      }
      return { ok: true, value };
    },
  };
}

/** The server certificate and the optional client CA that `webhook.tls` names, each from a Secret or files. */
export function certificateSource(tls: TlsConfig, namespace: string, secrets: SecretReader | undefined): CertificateSource {
  if ((tls.secretName || tls.clientCaSecretName) && !secrets) {
    throw new Error('webhook.tls names a Secret (TLS_SECRET_NAME or TLS_CLIENT_CA_SECRET_NAME), which needs cluster mode: in local mode use TLS_CERT_FILE, TLS_KEY_FILE and TLS_CLIENT_CA_FILE');
  }
  const server = tls.secretName ? fromSecret(secrets!, namespace, tls.secretName, { cert: 'tls.crt', key: 'tls.key' }) : fromFiles({ cert: tls.certFile, key: tls.keyFile });
  const ca = tls.clientCaSecretName ? fromSecret(secrets!, namespace, tls.clientCaSecretName, { ca: 'ca.crt' }) : tls.clientCaFile ? fromFiles({ ca: tls.clientCaFile }) : undefined;
  return {
    read() {
      const s = server.read();
      if (!s.ok) return { ok: false, missing: `TLS certificate: ${s.missing}` };
      if (!ca) return { ok: true, value: s.value };
      const c = ca.read();
      if (!c.ok) return { ok: false, missing: `client CA: ${c.missing}` };
      return { ok: true, value: { ...s.value, ca: c.value.ca } };
    },
  };
}
