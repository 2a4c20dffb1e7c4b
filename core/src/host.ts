import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HostConfig } from './config/host-config.js';
import { buildApp, type Readiness } from './http/app.js';
import { webhookListeners } from './http/tls/webhook-listeners.js';
import { authSpecProblem, type SecretReader, type TokenReviewer } from './http/webhook-auth.js';
import { createHostMetrics, type HostMetrics } from './metrics/host-metrics.js';
import { DedupCache } from './pipeline/dedup-cache.js';
import { Pipeline } from './pipeline/pipeline.js';
import type { ObservationSink } from './pipeline/ports.js';
import { discoverPlugins, type LoadedPlugin } from './plugins/discovery.js';
import { Manager, type Runnable } from './runtime/manager.js';
import { RouteTable } from './runtime/route-table.js';
import { SourceRegistry } from './runtime/source-registry.js';
import { JsonlSink } from './sinks/jsonl-sink.js';

export interface Host {
  app: FastifyInstance;
  config: HostConfig;
  metrics: HostMetrics;
  plugins: ReadonlyMap<string, LoadedPlugin>;
  sources: SourceRegistry;
  pipeline: Pipeline;
  routes: RouteTable;
  /** The runnables of cluster mode (leader election, controllers), started and stopped in order. */
  manager: Manager;
  /**
   * Starts sources and runnables, then listens; resolves with the bound address. A failure
   * stops whatever had started, then rejects with the cause.
   */
  start(): Promise<string>;
  /** Stops accepting, finishes what was accepted, flushes, releases. Idempotent and time-boxed. */
  close(): Promise<void>;
}

export interface HostOptions {
  log: Logger;
  plugins?: ReadonlyMap<string, LoadedPlugin>;
  /** Where Observations go; local mode's JSON-lines file when not given. */
  sink?: ObservationSink;
  secrets?: SecretReader;
  /** Reviews bearer tokens for `serviceAccount` webhook auth (cluster mode). */
  tokenReviewer?: TokenReviewer;
  /** Cluster mode's parts, started in order after the config-file sources, stopped in reverse. */
  runnables?: (host: Host) => Runnable[];
  defaultMetrics?: boolean;
  /** The metrics registry, when the caller already made one for its runnables. */
  metrics?: HostMetrics;
  /** What works less well right now, for `/readyz` (the pod stays ready). */
  degraded?: () => string[];
}

const noSecrets: SecretReader = { read: () => undefined };

/**
 * Builds the host without listening: `createHost(config)` returns `{ app, start, close }`.
 * Config-file sources are applied at start; a plugin that fails to start aborts it.
 */
export async function createHost(config: HostConfig, options: HostOptions): Promise<Host> {
  const log = options.log;
  const metrics = options.metrics ?? createHostMetrics({ defaultMetrics: options.defaultMetrics });
  const plugins = options.plugins ?? (await discoverPlugins({ configured: config.plugins, onShadowed: (c) => log.warn({ package: c.packageName, used: c.used, shadowed: c.shadowed }, c.message) }));
  const sink = options.sink ?? new JsonlSink(config.output.file, log.child({ component: 'sink' }));
  const dedup = new DedupCache(config.dedup.maxSize);
  const pipeline = new Pipeline({ sink, dedup, metrics, log: log.child({ component: 'pipeline' }) });
  const routes = new RouteTable();
  const manager = new Manager(log);
  const sources = new SourceRegistry({
    plugins,
    routes,
    pipeline,
    log,
    metrics,
    registry: metrics.registry,
    scope: config.watchNamespaces,
    defaultTtlSeconds: config.observationTtlSeconds,
    dedupWindowSeconds: config.dedup.windowSeconds,
    authProblem: authSpecProblem,
  });
  let started = false;
  let draining = false;
  let closing: Promise<void> | undefined;
  let flushTimer: NodeJS.Timeout | undefined;

  const readiness = (): Readiness => {
    const waitingFor = started ? [...listeners.waitingFor(), ...manager.waitingFor()] : ['sources to start'];
    if (draining) waitingFor.unshift('nothing: shutting down');
    return { ready: waitingFor.length === 0, waitingFor, degraded: options.degraded?.() ?? [] };
  };

  const listeners = webhookListeners(config, { secrets: options.secrets, log, registry: metrics.registry });
  const app = buildApp({
    log,
    metrics,
    routes,
    pipeline,
    secrets: options.secrets ?? noSecrets,
    tokenReviewer: options.tokenReviewer,
    https: listeners.https,
    bodyLimitBytes: config.bodyLimitBytes,
    readiness,
    draining: () => draining,
    routesReady: () => started && manager.waitingFor({ sourcesOnly: true }).length === 0,
    writeTimeoutMs: config.writer.webhookTimeoutSeconds * 1000,
  });

  // Undoes a start that failed half-way, last started first; the cause is what the caller sees.
  const rollBack = async () => {
    if (flushTimer) clearInterval(flushTimer);
    await manager.stop();
    await sources.stopAll();
    await app.close().catch(() => undefined);
    await listeners.close();
    await sink.close().catch(() => undefined);
  };

  const host: Host = {
    app,
    config,
    metrics,
    plugins,
    sources,
    pipeline,
    routes,
    manager,
    async start() {
      const authed = config.sources.find((s) => s.webhook?.auth && s.webhook.auth.type !== 'none');
      if (authed && !options.secrets) {
        throw new Error(`source ${authed.source} in the config asks for webhook auth, which reads a Kubernetes Secret: it needs cluster mode`);
      }
      try {
        for (const [i, spec] of config.sources.entries()) {
          const r = await sources.apply(`config/${i}-${spec.source}`, spec, { namespace: config.podNamespace || 'default', defaultPath: `/ingest/${spec.source}`, order: String(i).padStart(6, '0') });
          if (!r.ok) throw Object.assign(new Error(`source ${i} (${spec.source}) in the config: ${r.reason}: ${r.message}`), { code: r.reason === 'StartFailed' ? 'ZW_ERR_PLUGIN_START' : 'ZW_ERR_HOST_CONFIG_INVALID' });
          log.info({ source: spec.source, path: r.instance.webhookPath, kind: r.instance.kind }, 'source started');
        }
        manager.add(...(options.runnables?.(host) ?? []));
        await manager.start();
        flushTimer = setInterval(() => void pipeline.flush(), config.dedup.flushIntervalSeconds * 1000);
        flushTimer.unref();
        const address = await app.listen({ port: config.port, host: config.host });
        await listeners.start(app, config.host);
        started = true;
        return address;
      } catch (err) {
        await rollBack();
        throw err;
      }
    },
    close() {
      if (closing) {
        log.warn('close() called again; already shutting down');
        return closing;
      }
      draining = true;
      const work = (async () => {
        if (flushTimer) clearInterval(flushTimer);
        // fastify stops listening, answers 503 to new requests on open connections and waits
        // for in-flight requests, so every 2xx has been written before we flush and close.
        // Meanwhile the runnables stop (last first): the leader hands its lease over at once.
        const stopping = manager.stop();
        // Connections busy when close() began become idle later; close them as they do, or
        // keep-alive clients would hold the server open until their timeout.
        const idle = setInterval(() => app.server.closeIdleConnections?.(), 50);
        await Promise.all([app.close().finally(() => clearInterval(idle)), stopping]);
        await listeners.close();
        await sources.stopAll();
        await pipeline.flush();
        await sink.close();
      })();
      const timeoutMs = config.shutdownTimeoutSeconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      closing = Promise.race([
        work,
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`shutdown did not finish within ${config.shutdownTimeoutSeconds}s`)), timeoutMs);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      return closing;
    },
  };
  return host;
}
