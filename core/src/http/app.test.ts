import { connect } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createHostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import { RouteTable } from '../runtime/route-table.js';
import { buildApp } from './app.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listen(requestTimeoutMs: number): Promise<number> {
  app = buildApp({
    log: pino({ level: 'silent' }),
    metrics: createHostMetrics({ defaultMetrics: false }),
    routes: new RouteTable(),
    pipeline: {} as Pipeline,
    secrets: { read: () => undefined },
    bodyLimitBytes: 1024 * 1024,
    readiness: () => ({ ready: true, waitingFor: [] }),
    draining: () => false,
    routesReady: () => true,
    writeTimeoutMs: 5000,
    requestTimeoutMs,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
}

/** Sends the headers of a POST promising 1000 bytes and only 10 of them; resolves with what came back once the server closed. */
function stallMidBody(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let answer = '';
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write('POST /ingest/falco HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"rule":"r');
  });
}

describe('the HTTP surface against slow senders', () => {
  it('answers 408 and closes the connection of a sender that stalls mid-body, and keeps serving others meanwhile', async () => {
    const port = await listen(600);
    const stalled = stallMidBody(port);
    const probe = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(probe.status).toBe(200);
    // Without a request timeout the connection would stay open for ever (and the test time out).
    expect(await stalled).toMatch(/^HTTP\/1\.1 408 /);
  });
});
