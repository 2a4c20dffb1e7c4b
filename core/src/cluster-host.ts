import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { IngesterController } from './cluster/ingester-controller.js';
import { IngesterStatusWriter } from './cluster/ingester-status.js';
import { InformerSupervisor } from './cluster/informer-supervisor.js';
import { PartitionOwner } from './cluster/partitions/partition-owner.js';
import { LeaseElector } from './cluster/lease-elector.js';
import { ObservationGc } from './cluster/observation-gc.js';
import { ObservationWriter } from './cluster/observation-writer.js';
import { SecretCache } from './cluster/secret-cache.js';
import { KubeTokenReviewer } from './cluster/token-reviewer.js';
import { tlsSecretRefs } from './config/tls-config.js';
import type { HostConfig } from './config/host-config.js';
import { HostError, HostErrorCodes } from './errors.js';
import { createHost, type Host } from './host.js';
import type { KubeCredentials } from './kube/kube-credentials.js';
import { KubeHttp } from './kube/kube-http.js';
import { createHostMetrics } from './metrics/host-metrics.js';
import type { Runnable } from './runtime/manager.js';

/**
 * Cluster mode: the host with Observations written to the API server, Ingesters watched by
 * every pod, and leader-only work (informer sources, GC, Ingester status) started and stopped
 * with the Lease by the host's manager.
 */
export async function createClusterHost(config: HostConfig, log: Logger, kc: KubeCredentials | KubeConfig, options: { defaultMetrics?: boolean } = {}): Promise<Host> {
  if (config.leaderElection.mode === 'builtin' && (!config.podName || !config.podNamespace)) {
    throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'invalid configuration:\n  - POD_NAME and POD_NAMESPACE are required for leader election (set them from the downward API, or LEADER_ELECTION_MODE=disabled)');
  }
  const metrics = createHostMetrics({ defaultMetrics: options.defaultMetrics });
  metrics.kubeApiReachable.set(1);
  const http = new KubeHttp(kc, {
    qps: config.kube.qps,
    burst: config.kube.burst,
    log: log.child({ component: 'kube-api' }),
    onAvailability: (up) => {
      metrics.kubeApiReachable.set(up ? 1 : 0);
      if (!up) metrics.kubeApiOutages.inc();
    },
  });
  const writer = new ObservationWriter(http, config.writer, metrics, log.child({ component: 'writer' }));
  metrics.queueCapacity.set(config.writer.queueSize);
  const namespace = config.podNamespace || 'default';
  const always = [...config.sources.flatMap((s) => (s.webhook?.auth?.secretRef ? [`${namespace}/${s.webhook.auth.secretRef.name}`] : [])), ...tlsSecretRefs(config.webhook.tls, namespace)];
  const secrets = new SecretCache({ http, metrics, log: log.child({ component: 'secrets' }), always });
  // A shard also watches its own namespace: the chart's default Ingester lives there, and
  // Observations of cluster-scoped findings fall back to it, so GC must cover it too.
  const scope = config.watchNamespaces.length > 0 ? [...new Set([...config.watchNamespaces, namespace])] : [];
  const partitioned = config.informers.mode === 'partitioned';

  return createHost(config, {
    log,
    metrics,
    sink: writer,
    secrets,
    // Its own client: reviews of unauthenticated senders' tokens never use the writes' rate budget.
    tokenReviewer: new KubeTokenReviewer(new KubeHttp(kc, { qps: config.kube.qps, burst: config.kube.burst }), metrics.registry),
    defaultMetrics: options.defaultMetrics,
    degraded: () => [http.availability.problem()].filter((p): p is string => p !== undefined),
    runnables: (host) => {
      let status: IngesterStatusWriter | undefined;
      const ingesters = new IngesterController({ http, sources: host.sources, routes: host.routes, secrets, scope, metrics, log, onState: (id) => status?.changed(id) });
      status = new IngesterStatusWriter({ http, controller: ingesters, secrets, podName: config.podName, activePods: () => owner?.activePods(), log: log.child({ component: 'ingester-status' }) });
      const supervisor = new InformerSupervisor({
        http,
        sources: host.sources,
        pipeline: host.pipeline,
        metrics,
        log: log.child({ component: 'informers' }),
        stallSeconds: config.kube.watchStallSeconds,
        onHealth: (instance, health) => ingesters.reportHealth(instance.id, health),
        clusterScoped: config.kube.watchClusterScoped,
        resolver: writer,
        concurrency: config.informers.concurrency,
        pageSize: config.informers.pageSize,
        partitions: partitioned ? config.informers.partitions : undefined,
      });
      // Active-active: informer work split across live pods by partition Leases; the leader
      // Lease stays for the singleton jobs (GC, Ingester status).
      const owner = partitioned
        ? new PartitionOwner({ http, namespace, setName: config.leaderElection.electionId, identity: config.podName || 'zen-watcher', partitions: config.informers.partitions, timing: config.leaderElection, work: supervisor, metrics, log: log.child({ component: 'partitions' }) })
        : undefined;
      // A state-like source that runs keeps its findings' Observations while they are reported
      // (it marks them resolved when not); only then does their TTL run.
      const trackedSources = () => new Set(host.sources.all().filter((i) => i.loaded.plugin.kind === 'informer' && i.loaded.plugin.semantics !== 'event').map((i) => i.source));
      const gc = new ObservationGc({ http, scope, defaultTtlSeconds: config.observationTtlSeconds, intervalSeconds: config.gcIntervalSeconds, metrics, log: log.child({ component: 'gc' }), trackedSources });
      const leadership = leadershipOf(config, host, partitioned ? undefined : supervisor, http, log);
      // Started in this order, stopped in reverse: the Secrets and Ingesters are there before
      // this pod can lead or own partitions, and those are handed over before they go.
      return [secrets, ingesters, supervisor, ...(owner ? [owner] : []), gc, status, leadership];
    },
  });
}

/** What starts and stops the leader runnables: the Lease, or (single replica) start to shutdown. */
function leadershipOf(config: HostConfig, host: Host, supervisor: InformerSupervisor | undefined, http: KubeHttp, log: Logger): Runnable {
  const { manager, metrics } = host;
  if (config.leaderElection.mode === 'builtin') {
    return new LeaseElector({
      http,
      namespace: config.podNamespace,
      name: config.leaderElection.electionId,
      identity: config.podName,
      timing: config.leaderElection,
      metrics,
      log: log.child({ component: 'leader-election' }),
      callbacks: {
        async onStartedLeading(signal, checkpoints) {
          supervisor?.resumeFrom(checkpoints);
          await manager.startLeading(signal);
        },
        // Partitioned, the event streams' checkpoints live on the partition Leases instead.
        checkpoints: () => supervisor?.checkpoints() ?? {},
        onStoppedLeading: () => manager.stopLeading(),
      },
    });
  }
  const leading = new AbortController();
  return {
    name: 'leadership',
    runs: 'always',
    async start() {
      metrics.isLeader.set(1);
      await manager.startLeading(leading.signal);
    },
    async stop() {
      leading.abort();
      await manager.stopLeading();
    },
  };
}
