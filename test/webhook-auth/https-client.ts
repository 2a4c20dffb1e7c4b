/** An HTTPS client for the TLS tests: a fresh connection per request, so each sees the certificate served now. */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

const TLS_DIR = join(import.meta.dirname, 'tls');
export const pem = (file: string): string => readFileSync(join(TLS_DIR, file), 'utf8');

export interface HttpsAnswer {
  status: number;
  body: string;
  /** CN of the certificate the server presented. */
  served: string;
}

export interface ClientTls {
  /** Client certificate and key file stem (e.g. `client`), for mTLS. */
  identity?: string;
}

export function httpsPost(port: number, path: string, body: unknown, tls: ClientTls = {}, headers: Record<string, string> = {}): Promise<HttpsAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
        ca: pem('ca.crt'),
        cert: tls.identity ? pem(`${tls.identity}.crt`) : undefined,
        key: tls.identity ? pem(`${tls.identity}.key`) : undefined,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const cn = (res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '';
        const served = Array.isArray(cn) ? cn.join(',') : cn;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), served }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** The TLS Secret a cert-manager Certificate would write. */
export const tlsSecret = (name: string, stem: string, ca?: string) => ({
  metadata: { name },
  type: 'kubernetes.io/tls',
  stringData: { 'tls.crt': pem(`${stem}.crt`), 'tls.key': pem(`${stem}.key`), ...(ca ? { 'ca.crt': pem(ca) } : {}) },
});
