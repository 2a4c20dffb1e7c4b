import { connect } from 'node:net';

/** A request as bytes on the wire, sent in pieces (a slow sender) or cut short (a sender that gives up). */
export interface RawRequest {
  /** Request line and headers, without the blank line that ends them. */
  head: string;
  body: Buffer;
  /** Send the body in this many pieces, `pauseMs` apart (a slow-loris sender); default one piece. */
  pieces?: number;
  pauseMs?: number;
  /** Close the socket after this many body bytes, without finishing the request. */
  abandonAfter?: number;
}

/** What came back: the status of the first answer, or how the exchange ended without one. */
export type RawOutcome =
  | { kind: 'answer'; status: number; head: string; body: string; ms: number }
  | { kind: 'closed'; ms: number; error?: string }
  | { kind: 'timeout'; ms: number };

/**
 * One HTTP/1.1 exchange on its own TCP connection, written byte for byte (malformed requests,
 * invalid UTF-8, lying Content-Length, slow bodies), so nothing between the test and the server
 * tidies the request up. Waits at most `timeoutMs` after the last byte is sent.
 */
export function rawExchange(port: number, req: RawRequest, timeoutMs: number): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const answer = (): RawOutcome | undefined => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const head = all.subarray(0, end).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!status) return { kind: 'closed', ms: performance.now() - t0, error: `not an HTTP answer: ${JSON.stringify(head.slice(0, 80))}` };
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      const body = all.subarray(end + 4);
      if (length && body.length < Number(length[1])) return undefined;
      return { kind: 'answer', status: Number(status[1]), head, body: body.subarray(0, length ? Number(length[1]) : body.length).toString('utf8'), ms: performance.now() - t0 };
    };
    socket.on('data', (d) => {
      chunks.push(d);
      const a = answer();
      if (a) finish(a);
    });
    // A server may answer (413, 400) and close while the body is still being sent: the write
    // then fails, but the answer may already be there to read, so wait for the close.
    let error: string | undefined;
    socket.on('error', (err) => (error ??= err.message));
    socket.on('close', () => finish(answer() ?? { kind: 'closed', ms: performance.now() - t0, error }));
    const arm = () => {
      timer = setTimeout(() => finish({ kind: 'timeout', ms: performance.now() - t0 }), timeoutMs);
    };
    socket.once('connect', async () => {
      socket.write(`${req.head}\r\n\r\n`, 'latin1');
      const body = req.abandonAfter === undefined ? req.body : req.body.subarray(0, req.abandonAfter);
      const pieces = Math.max(1, Math.min(req.pieces ?? 1, body.length || 1));
      const size = Math.ceil(body.length / pieces);
      for (let off = 0; off < body.length && !settled; off += size) {
        if (off > 0 && req.pauseMs) await new Promise((r) => setTimeout(r, req.pauseMs));
        if (!settled) socket.write(body.subarray(off, off + size));
      }
      if (settled) return;
      if (req.abandonAfter !== undefined) return finish({ kind: 'closed', ms: performance.now() - t0 });
      arm();
    });
  });
}

/** Request line and headers for a POST; `headers` may repeat a name or leave Content-Length out (`null`). */
export function postHead(path: string, body: Buffer, headers: [string, string][] = [], contentLength: number | null = body.length): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (contentLength !== null) lines.push(`Content-Length: ${contentLength}`);
  return lines.join('\r\n');
}
