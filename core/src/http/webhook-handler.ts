import { checkSchema, parseWebhookBody, type BodyFormat } from '@zen-watcher/sdk';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Pipeline, PipelineOutcome } from '../pipeline/pipeline.js';
import type { RouteTable } from '../runtime/route-table.js';
import { checkAuth, withoutCredentials, type SecretReader, type TokenReviewer } from './webhook-auth.js';

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

function declaredFormat(contentType: string | undefined): BodyFormat {
  return contentType && /ndjson|jsonl|json-seq|x-json-stream/i.test(contentType) ? 'ndjson' : 'json';
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

    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let failure = checkAuth(instance.auth, instance.defaultNamespace, req.headers, raw, deps);
    if (failure instanceof Promise) failure = await failure;
    if (failure) {
      deps.metrics.webhookAuthFailures.inc({ source, reason: failure.reason });
      instance.log.warn({ reason: failure.reason, detail: failure.detail, ip: req.ip }, 'webhook request refused');
      return reply.code(failure.status).headers(failure.headers).send({ error: failure.status === 401 ? 'Unauthorized' : 'ServiceUnavailable', reason: failure.reason });
    }

    const plugin = instance.loaded.plugin;
    const accepts = plugin.kind === 'webhook' ? (plugin.accepts ?? ['json']) : ['json' as const];
    const parsed = parseWebhookBody(raw.toString('utf8'), accepts, declaredFormat(req.headers['content-type']));
    if (!parsed.ok) {
      deps.metrics.dropped.inc({ source, reason: 'unparseable_body' });
      return reply.code(400).send({ error: 'BadRequest', message: parsed.message, issues: [{ path: '/', message: parsed.message }] });
    }
    if (plugin.kind === 'webhook' && plugin.body) {
      const issues = checkSchema(plugin.body, parsed.value);
      if (issues.length > 0) {
        deps.metrics.dropped.inc({ source, reason: 'invalid_body' });
        return reply.code(400).send({ error: 'BadRequest', message: `body does not match the ${source} schema at ${issues[0].path}: ${issues[0].message}`, issues: issues.slice(0, 20) });
      }
    }

    const receivedAt = new Date().toISOString();
    // Credentials are the host's business; a plugin never sees them (or logs them by accident).
    const events = await instance.handle(parsed.value, { headers: withoutCredentials(req.headers, instance.auth), receivedAt });
    if (events === undefined) return reply.code(500).send({ error: 'PluginError', message: `the ${source} plugin failed on this body; it was logged and counted` });
    const outcome = await deps.pipeline.process(instance, events, receivedAt, { priority: 'live', deadline: performance.now() + deps.writeTimeoutMs });
    return answer(reply, outcome);
  };
}

/** Maps what the pipeline made of a request to the answer: the pipeline decided, we only say it. */
function answer(reply: FastifyReply, outcome: PipelineOutcome) {
  switch (outcome.kind) {
    case 'written':
      return reply.code(200).send(outcome.result);
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
