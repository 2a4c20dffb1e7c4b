import { readFileSync } from 'node:fs';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

/** A PEM from a kubeconfig: a file (re-read, as it may rotate) or inline base64 data. */
export type Pem = { file: string } | { data: string };

/** How to reach the API server: which CA to trust, the client certificate, SNI, a proxy. */
export interface TlsSettings {
  ca?: Pem;
  cert?: Pem;
  key?: Pem;
  /** insecure-skip-tls-verify. */
  insecure: boolean;
  /** tls-server-name: the name the server's certificate is checked against (and SNI). */
  servername?: string;
  /** proxy-url (http or https). */
  proxyUrl?: string;
}

/** The PEM's bytes; a file that cannot be read throws naming the kubeconfig field and the path. */
export function readPem(pem: Pem, field: string): Buffer {
  if (!('file' in pem)) return Buffer.from(pem.data, 'base64');
  try {
    return readFileSync(pem.file);
  } catch (err) {
    throw new Error(`${field} ${pem.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * The dispatcher for a server's TLS settings, rebuilt only when a certificate file's content
 * changes (client-node builds a new one, with new connections, each time auth is applied).
 */
export class TlsDispatcher {
  private current?: { key: string; dispatcher?: Dispatcher };

  constructor(private readonly settings: TlsSettings) {}

  /** Reads the files now; throws (naming the file) when one cannot be read. */
  get(): Dispatcher | undefined {
    const { ca, cert, key, insecure, servername, proxyUrl } = this.settings;
    const tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean; servername?: string } = {};
    if (ca) tls.ca = readPem(ca, 'certificate-authority');
    if (cert) tls.cert = readPem(cert, 'client-certificate');
    if (key) tls.key = readPem(key, 'client-key');
    if (insecure) tls.rejectUnauthorized = false;
    if (servername) tls.servername = servername;
    const cacheKey = JSON.stringify([proxyUrl, insecure, servername, tls.ca?.toString('base64'), tls.cert?.toString('base64'), tls.key?.toString('base64')]);
    if (this.current?.key === cacheKey) return this.current.dispatcher;
    // As client-node (and client-go): TCP keep-alive probes after 30 s, before the 60 s idle
    // timeout of common cloud load balancers.
    const connect = { keepAlive: true, keepAliveInitialDelay: 30_000 };
    let dispatcher: Dispatcher | undefined;
    if (proxyUrl) dispatcher = new ProxyAgent({ uri: proxyUrl, requestTls: tls, connect });
    else if (Object.keys(tls).length > 0) dispatcher = new Agent({ connect: { ...tls, ...connect } });
    this.current = { key: cacheKey, dispatcher };
    return dispatcher;
  }
}
