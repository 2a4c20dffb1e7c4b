import type { ServerOptions as HttpsOptions } from 'node:https';
import { JSON_CONTENT_TYPE, NDJSON_CONTENT_TYPE } from '@zen-watcher/sdk/host';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { webhookHandler, type WebhookDeps } from './webhook-handler.js';

export interface Readiness {
  ready: boolean;
  /** What is still missing, for people reading `/readyz`. */
  waitingFor: string[];
  /**
   * What works less well than it should while the pod stays ready (the API server unreachable:
   * every pod is alike then, and taking them all out of the Service would turn honest 503s into
   * refused connections).
   */
  degraded?: string[];
}

export interface AppDeps extends WebhookDeps {
  log: Logger;
  metrics: HostMetrics;
  bodyLimitBytes: number;
  readiness: () => Readiness;
  /** Serve HTTPS with these options (http/tls/webhook-listeners.ts); plain HTTP when unset. */
  https?: HttpsOptions;
  /** How long a sender may take to deliver a whole request; default {@link REQUEST_TIMEOUT_MS}. */
  requestTimeoutMs?: number;
}

/**
 * A sender gets this long to deliver its request, headers and body (then 408 and the connection
 * is closed). Fastify turns Node's own limit off, which lets a sender that stalls half-way
 * through a body (slow-loris) hold a connection for ever; 30 s is far more than a 1 MiB body
 * needs on any working link.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

const noRouteSchemas = (): never => {
  throw new Error('routes of the host declare no JSON schemas');
};

/**
 * The HTTP surface: probes, metrics and the webhook dispatcher. Built without listening, so tests
 * can `inject()`. Bodies are read as raw bytes (HMAC needs them) within the body limit; fastify
 * answers 413 above it and 415 for content types that are not JSON or NDJSON.
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const requestTimeout = deps.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Node checks that deadline on a timer, every 30 s by default: that would double the bound.
  // Its headers deadline must not be longer than the request's, or the request's is never checked.
  const server = { requestTimeout, headersTimeout: Math.min(60_000, requestTimeout), connectionsCheckingInterval: Math.min(1000, requestTimeout) };
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // One logger for every request instead of a child per request: request logging is off, and
    // the few lines fastify writes about a request name it themselves (reqId in our error handler).
    childLoggerFactory: (logger) => logger,
    // No route declares a JSON schema (bodies are the plugins' to check, with typebox), so the
    // ajv and fast-json-stringify compilers fastify would load at start (~100 modules) are not.
    schemaController: { compilersFactory: { buildValidator: () => noRouteSchemas, buildSerializer: () => noRouteSchemas } },
    bodyLimit: deps.bodyLimitBytes,
    requestTimeout,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    ...(deps.https ? { https: { ...deps.https, ...server } } : { http: server }),
  }) as unknown as FastifyInstance;
  app.removeAllContentTypeParsers();
  // JSON in all its spellings and NDJSON, as @zen-watcher/sdk/testing reads them.
  for (const types of [JSON_CONTENT_TYPE, NDJSON_CONTENT_TYPE]) app.addContentTypeParser(types, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const r = deps.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? (r.degraded?.length ? 'degraded' : 'ready') : 'not ready', waitingFor: r.waitingFor, ...(r.degraded?.length ? { degraded: r.degraded } : {}) });
  });
  app.get('/metrics', async (_req, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.header('content-type', deps.metrics.registry.contentType).send(body);
  });
  app.post('/ingest/*', webhookHandler(deps));

  // While draining, tell keep-alive clients to reconnect (to another replica) after this answer.
  // Callback-style hooks: these run on every request, and async ones cost a promise each.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (deps.draining()) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    if (req.url.startsWith('/ingest/')) {
      const source = (req as { zwSource?: string }).zwSource ?? deps.routes.get(req.url)?.source ?? 'unknown';
      deps.metrics.webhookRequests.inc({ source, code: String(reply.statusCode) });
      deps.metrics.webhookDuration.observe({ source }, reply.elapsedTime / 1000);
    }
    done();
  });
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err, reqId: req.id, url: req.url.split('?')[0] }, 'request failed');
    const source = deps.routes.get(req.url)?.source;
    if (source && status < 500) deps.metrics.dropped.inc({ source, reason: status === 413 ? 'body_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request' });
    return reply.code(status).send({ error: err.code ?? 'Error', message: status >= 500 ? 'internal error' : err.message });
  });
  return app;
}
