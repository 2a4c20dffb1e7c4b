import { loadConfig } from '../config/load-config.js';
import { createHost } from '../host.js';
import { createLogger } from '../log.js';
import { resolveMode } from '../kube/resolve-mode.js';

/**
 * Runs the host until SIGTERM/SIGINT: config, mode (local or cluster), host, signals. On a signal
 * it drains within the shutdown timeout, then exits; a second signal exits at once.
 */
export async function serve(env: NodeJS.ProcessEnv): Promise<void> {
  const t0 = performance.now();
  let { config, file } = loadConfig(env);
  const bootLog = createLogger(config.logLevel);
  const mode = await resolveMode(config, env, bootLog);
  if (mode.mode === 'local' && !env.ZW_CONFIG) ({ config, file } = loadConfig(env, { useDefaultLocalFile: true }));
  const log = createLogger(config.logLevel);
  log.info({ mode: mode.mode, why: mode.why, configFile: file }, 'starting zen-watcher');

  const host =
    mode.mode === 'cluster'
      ? await (await import('../cluster-host.js')).createClusterHost(config, log, mode.kubeconfig)
      : await createHost(config, { log });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    host.close().then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown did not complete cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Run by a supervisor (zen-watcher dev) over an IPC channel: its end is ours.
  if (process.channel) process.once('disconnect', () => stop('supervisor gone'));

  const address = await host.start();
  if (mode.mode === 'local') {
    // Nothing is watched without a cluster: say so, rather than "ready" and silence.
    for (const s of host.sources.all().filter((i) => i.kind === 'informer')) {
      log.warn(
        { source: s.source, instance: s.id },
        `informer source ${s.source} cannot receive events in local mode (there is no cluster to watch): run the host in cluster mode to see its events, and test its mapping with runInformer of @zen-watcher/sdk/testing`,
      );
    }
  }
  log.info({ plugins: [...host.plugins.values()].map((p) => ({ name: p.plugin.name, kind: p.plugin.kind, version: p.version, package: p.packageName, origin: p.origin })) }, 'plugins loaded');
  log.info(
    { address, sources: host.sources.all().map((s) => ({ source: s.source, path: s.webhookPath })), startupMs: Math.round(performance.now() - t0) },
    `zen-watcher ready on ${address}`,
  );
}
