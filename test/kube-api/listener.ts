// One TCP port that speaks both plain HTTP and HTTPS: a connection whose first byte is a TLS
// handshake goes to the https server. client-node accepts either; kubectl (client-go) sends
// bearer tokens only over TLS, so kubeconfigs point at https by default.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { Duplex } from 'node:stream';

// A self-signed certificate for 127.0.0.1/::1/localhost, valid until 2126, committed on purpose:
// clients skip verification (insecure-skip-tls-verify); TLS is only there so kubectl sends tokens.
const TLS = {
  key: readFileSync(new URL('./tls/server.key', import.meta.url)),
  cert: readFileSync(new URL('./tls/server.crt', import.meta.url)),
};

const TLS_HANDSHAKE = 0x16;

export class DualListener {
  private http: Server;
  private https: HttpsServer;
  private server = createNetServer((socket) => this.route(socket));
  private sockets = new Set<Socket>();
  private running = false;

  constructor(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    this.http = createServer(handler);
    this.https = createHttpsServer(TLS, handler);
    for (const srv of [this.http, this.https]) {
      // Longer than client idle timeouts, so a client never reuses a socket the server is closing.
      srv.keepAliveTimeout = 60_000;
      srv.headersTimeout = 65_000;
      // Watches are long responses; nothing here should time a request out.
      srv.requestTimeout = 0;
    }
  }

  private route(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (first[0] !== TLS_HANDSHAKE) {
        socket.unshift(first);
        this.http.emit('connection', socket);
        socket.resume();
        return;
      }
      // TLS reads a net.Socket's native handle directly, which would skip the byte already
      // read; a plain Duplex in front makes it read through the stream instead.
      const front = new Duplex({
        read: () => void socket.resume(),
        write: (chunk, enc, cb) => void socket.write(chunk, enc, cb),
        final: (cb) => {
          socket.end();
          cb();
        },
        destroy: (err, cb) => {
          socket.destroy(err ?? undefined);
          cb(err);
        },
      });
      socket.on('data', (d: Buffer) => {
        if (!front.push(d)) socket.pause();
      });
      socket.on('end', () => front.push(null));
      socket.on('close', () => front.destroy());
      front.push(first);
      this.https.emit('connection', front);
      socket.resume();
    });
  }

  /** Listens (again) and returns the bound port. */
  async listen(port: number, host: string): Promise<number> {
    if (!this.running) {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(port, host, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
      this.running = true;
    }
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every connection. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.http.closeAllConnections();
    this.https.closeAllConnections();
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}
