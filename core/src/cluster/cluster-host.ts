import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { HostConfig } from '../config/host-config.js';
import { HostError, HostErrorCodes } from '../errors.js';
import { createHost, type Host, type HostComponent } from '../host.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { IngesterController } from './ingester-controller.js';
import { InformerSupervisor } from './informer-supervisor.js';
import { KubeHttp } from './kube-http.js';
import { LeaseElector } from './lease-elector.js';
import { ObservationGc } from './observation-gc.js';
import { ObservationWriter } from './observation-writer.js';
import { SecretCache } from './secret-cache.js';

/**
 * Cluster mode: the host with Observations written to the API server, Ingesters watched by
 * every pod, and leader-only work (informer sources, GC, Ingester status) gated by the Lease.
 */
export async function createClusterHost(config: HostConfig, log: Logger, kc: KubeConfig, options: { defaultMetrics?: boolean } = {}): Promise<Host> {
  if (config.leaderElection.mode === 'builtin' && (!config.podName || !config.podNamespace)) {
    throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'invalid configuration:\n  - POD_NAME and POD_NAMESPACE are required for leader election (set them from the downward API, or LEADER_ELECTION_MODE=disabled)');
  }
  const http = new KubeHttp(kc, { qps: config.kube.qps, burst: config.kube.burst });
  const metrics = createHostMetrics({ defaultMetrics: options.defaultMetrics });
  const writer = new ObservationWriter(http, config.writer, metrics, log.child({ component: 'writer' }));
  const namespace = config.podNamespace || 'default';
  const staticSecrets = config.sources.flatMap((s) => (s.webhook?.auth?.secretRef ? [`${namespace}/${s.webhook.auth.secretRef.name}`] : []));
  const secrets = new SecretCache(http, metrics, log.child({ component: 'secrets' }), staticSecrets);
  // A shard also watches its own namespace: the chart's default Ingester lives there, and
  // Observations of cluster-scoped findings fall back to it, so GC must cover it too.
  const scope = config.watchNamespaces.length > 0 ? [...new Set([...config.watchNamespaces, namespace])] : [];

  return createHost(config, {
    log,
    metrics,
    sink: writer,
    secrets,
    defaultMetrics: options.defaultMetrics,
    components: (host) => {
      const ingesters = new IngesterController(http, host.sources, secrets, scope, config.podName, metrics, log);
      const supervisor = new InformerSupervisor(http, host.sources, host.pipeline, metrics, log.child({ component: 'informers' }), config.kube.watchStallSeconds, (instance, health) =>
        ingesters.reportHealth(instance.id, health),
      config.kube.watchClusterScoped);
      const gc = new ObservationGc(http, scope, config.observationTtlSeconds, config.gcIntervalSeconds, metrics, log.child({ component: 'gc' }));
      let gcRun: Promise<void> | undefined;
      const leader = {
        async onStartedLeading(signal: AbortSignal, checkpoints: Record<string, string> = {}) {
          supervisor.startLeading(signal, checkpoints);
          gcRun = gc.run(signal);
          ingesters.setLeading(true);
        },
        checkpoints: () => supervisor.checkpoints(),
        async onStoppedLeading() {
          ingesters.setLeading(false);
          await supervisor.stopAll();
          await gcRun;
        },
      };
      // Without election (a single replica) this pod leads from start to shutdown.
      const disabledLeadership = new AbortController();
      const elector =
        config.leaderElection.mode === 'builtin'
          ? new LeaseElector(http, namespace, config.leaderElection.electionId, config.podName, config.leaderElection, leader, metrics, log.child({ component: 'leader-election' }))
          : undefined;
      const components: HostComponent[] = [
        { name: 'ingesters', start: () => ingesters.start(), stop: () => ingesters.stop(), waitingFor: () => ingesters.waitingFor() },
        {
          name: 'leader-election',
          async start() {
            if (elector) elector.start();
            else {
              // A single replica leads without a Lease.
              metrics.isLeader.set(1);
              await leader.onStartedLeading(disabledLeadership.signal);
            }
          },
          async stop() {
            if (elector) await elector.close();
            else {
              disabledLeadership.abort();
              await leader.onStoppedLeading();
            }
            await secrets.close();
          },
        },
      ];
      return components;
    },
  });
}
