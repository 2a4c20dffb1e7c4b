import { readWebhookBody } from '@zen-watcher/sdk/host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline, PipelineOutcome } from '../pipeline/pipeline.js';
import type { RouteTable } from '../runtime/route-table.js';
import { checkAuth, withoutCredentials, type SecretReader, type TokenReviewer } from './webhook-auth.js';

const EMPTY = Buffer.alloc(0);

export interface WebhookDeps {
  routes: RouteTable;
  pipeline: Pipeline;
  metrics: HostMetrics;
  secrets: SecretReader;
  /** Cluster mode: reviews the bearer tokens of `serviceAccount` auth. */
  tokenReviewer?: TokenReviewer;
  /** True while the host drains: new work gets 503. */
  draining: () => boolean;
  /** False until the sources are applied (Ingesters listed): an unknown path may still appear. */
  routesReady: () => boolean;
  /** How long a request may wait for its writes before it is answered 503 (ms). */
  writeTimeoutMs: number;
}

/**
 * `POST /ingest/*`: route → auth → parse → body schema → plugin → pipeline. Every outcome is a
 * definite status: 404 no route (503 while the sources are still loading), 401 auth, 400 body,
 * 429/503 with Retry-After when the events are not durable (queue full, shutting down, the
 * store unavailable or slower than the write timeout), 500 when the plugin threw or the store
 * refused the events for good (a retry cannot help), 200 once every event is written, merged or
 * absorbed.
 */
export function webhookHandler(deps: WebhookDeps) {
  return async function handle(req: FastifyRequest, reply: FastifyReply) {
    const instance = deps.routes.get(req.url);
    if (!instance) {
      // Before the Ingesters are applied every path is unknown: say "come back", not "never".
      if (!deps.routesReady()) return reply.code(503).header('retry-after', '2').send({ error: 'NotReady', message: 'this replica has not loaded its sources yet; retry' });
      return reply.code(404).send({ error: 'NotFound', message: `no source is served at ${req.url.split('?')[0]}` });
    }
    const source = instance.source;
    (req as { zwSource?: string }).zwSource = source;
    if (deps.draining()) return reply.code(503).header('retry-after', '5').send({ error: 'ShuttingDown', message: 'this replica is shutting down; retry' });

    const raw = Buffer.isBuffer(req.body) ? req.body : EMPTY;
    let failure = checkAuth(instance.auth, instance.defaultNamespace, req.headers, raw, deps);
    if (failure instanceof Promise) failure = await failure;
    if (failure) {
      deps.metrics.webhookAuthFailures.inc({ source, reason: failure.reason });
      instance.log.warn({ reason: failure.reason, detail: failure.detail, ip: req.ip }, 'webhook request refused');
      return reply.code(failure.status).headers(failure.headers).send({ error: failure.status === 401 ? 'Unauthorized' : 'ServiceUnavailable', reason: failure.reason });
    }

    const plugin = instance.loaded.plugin;
    if (plugin.kind !== 'webhook') return reply.code(404).send({ error: 'NotFound', message: `no source is served at ${req.url.split('?')[0]}` });
    // The same reading as @zen-watcher/sdk/testing: content type, JSON/NDJSON, body or per-item schema.
    const read = readWebhookBody(plugin, raw.toString('utf8'), req.headers['content-type']);
    if (!read.ok) {
      deps.metrics.dropped.inc({ source, reason: read.status === 415 ? 'unsupported_media_type' : read.issues.length > 0 && read.issues[0].path !== '/' ? 'invalid_body' : 'unparseable_body' });
      return reply.code(read.status).send({ error: read.status === 415 ? 'UnsupportedMediaType' : 'BadRequest', message: read.message, issues: read.issues });
    }
    if (read.invalidItems > 0) {
      deps.metrics.dropped.inc({ source, reason: 'invalid_item' }, read.invalidItems);
      instance.log.warn({ invalidItems: read.invalidItems, received: read.received, issues: read.issues.slice(0, 5) }, 'items of a batch do not match the schema; the rest were kept');
    }

    const receivedAt = new Date().toISOString();
    // Credentials are the host's business; a plugin never sees them (or logs them by accident).
    const events = await instance.handle(read.body, { headers: withoutCredentials(req.headers, instance.auth), receivedAt, envelope: read.envelope });
    if (events === undefined) return reply.code(500).send({ error: 'PluginError', message: `the ${source} plugin failed on this body; it was logged and counted` });
    const outcome = await deps.pipeline.process(instance, events, receivedAt, { priority: 'live', deadline: performance.now() + deps.writeTimeoutMs });
    return answer(reply, outcome, read.invalidItems > 0 ? { received: read.received, invalid: read.invalidItems, issues: read.issues } : undefined);
  };
}

/** Maps what the pipeline made of a request to the answer: the pipeline decided, we only say it. */
function answer(reply: FastifyReply, outcome: PipelineOutcome, partial?: { received: number; invalid: number; issues: unknown[] }) {
  switch (outcome.kind) {
    case 'written':
      // A batch with bad items is still a success for the good ones (the audit backend, Falco
      // and most senders drop a batch they get a 4xx for): the bad ones are named here.
      return reply.code(200).send(partial ? { ...outcome.result, ...partial } : outcome.result);
    case 'retryAfter': {
      const status = outcome.reason === 'queue_full' ? 429 : 503;
      return reply.code(status).header('retry-after', String(outcome.seconds)).send({ error: retryError[outcome.reason], message: outcome.message });
    }
    case 'rejected':
      // Sending it again would be refused again: say so instead of inviting a retry.
      return reply.code(500).send({ error: 'WriteRejected', reason: outcome.reason, message: outcome.message });
  }
}

const retryError = { queue_full: 'QueueFull', shutting_down: 'ShuttingDown', unavailable: 'WriteFailed', timeout: 'WriteTimeout' } as const;
