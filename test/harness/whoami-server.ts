// An HTTPS server that answers every request with how the client authenticated (its
// Authorization and Impersonate-User headers, its client certificate's CN), for the tests of
// the host's kubeconfig loader; and an HTTP CONNECT proxy in front of it for proxy-url.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** The webhook tests' certificates: ca.crt, server-a (127.0.0.1, localhost), client, rogue-ca.crt. */
export const TLS_DIR = join(import.meta.dirname, '..', 'webhook-auth', 'tls');
export const tlsFile = (name: string) => join(TLS_DIR, name);

export interface Whoami {
  authorization?: string;
  impersonate?: string;
  /** The CN of the client certificate, when one was presented and chains to ca.crt. */
  clientCN?: string;
}

export interface WhoamiServer {
  url: string;
  close(): Promise<void>;
}

export async function startWhoamiServer(): Promise<WhoamiServer> {
  const server = createServer({ key: readFileSync(tlsFile('server-a.key')), cert: readFileSync(tlsFile('server-a.crt')), ca: readFileSync(tlsFile('ca.crt')), requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const body: Whoami = {
      authorization: req.headers.authorization,
      impersonate: req.headers['impersonate-user'] as string | undefined,
      clientCN: socket.authorized ? (socket.getPeerCertificate().subject?.CN as string | undefined) : undefined,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  return { url: `https://127.0.0.1:${await listen(server)}`, close: () => close(server) };
}

/** A CONNECT proxy that counts the tunnels it opened. */
export async function startConnectProxy(): Promise<{ url: string; tunnels: () => number; close(): Promise<void> }> {
  let tunnels = 0;
  const server = createHttpServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client, head) => {
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host, () => {
      tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { url: `http://127.0.0.1:${await listen(server)}`, tunnels: () => tunnels, close: () => close(server) };
}

function listen(server: Server | HttpsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: Server | HttpsServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
