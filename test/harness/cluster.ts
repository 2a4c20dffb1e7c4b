import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { parse } from 'yaml';
import { createCrd, randomSuffix, testTarget, type TestTarget } from '../kube-api/target.ts';
import { ZenWatcherProcess } from './zen-watcher-process.ts';
import { waitFor } from './wait-for.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CM_WATCH_PLUGIN = join(ROOT, 'test', 'fixtures', 'plugins', 'cm-watch');
const GROUP = 'zen.kube-zen.io';
const VERSION = 'v1alpha1';

/** Fast lease timings so failover tests take seconds, not minutes. */
export const FAST_ELECTION = {
  LEADER_ELECTION_LEASE_DURATION: '3',
  LEADER_ELECTION_RENEW_DEADLINE: '2',
  LEADER_ELECTION_RETRY_PERIOD: '0.5',
};

export interface ClusterOptions {
  replicas: number;
  env?: Record<string, string>;
  /** Start the processes (default true); false to start them by hand. */
  start?: boolean;
  /**
   * More namespaces of this run (`<namespace>-<n>`, deleted afterwards) in the processes'
   * WATCH_NAMESPACE: partitioned informers split work by namespace.
   */
  extraNamespaces?: number;
}

/** Installs our CRDs (the chart's files) unless they are there already (a shared real cluster). */
export async function installCrds(kc: k8s.KubeConfig): Promise<void> {
  const dir = join(ROOT, 'charts', 'zen-watcher', 'crds');
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const crd = parse(readFileSync(join(dir, f), 'utf8'));
    try {
      await ext.readCustomResourceDefinition({ name: crd.metadata.name });
    } catch {
      await createCrd(kc, crd);
    }
  }
}

/** Waits until exactly one of the running `processes` reports zenwatcher_is_leader 1, and returns it. */
export function oneLeader(processes: readonly ZenWatcherProcess[], options: Parameters<typeof waitFor>[2] = {}): Promise<ZenWatcherProcess> {
  return waitFor(
    'one leader',
    async () => {
      const leaders: ZenWatcherProcess[] = [];
      for (const p of processes.filter((x) => x.running)) if ((await p.metric('zenwatcher_is_leader').catch(() => 0)) === 1) leaders.push(p);
      return leaders.length === 1 ? leaders[0] : undefined;
    },
    options,
  );
}

/**
 * N real zen-watcher processes in cluster mode against one API server (the test server, or the
 * real cluster of ZW_TEST_KUBECONFIG), scoped to a fresh namespace so runs never meet. Each
 * process has its own POD_NAME, port and (on the test server) token, so one can be partitioned.
 */
export class ZenCluster {
  readonly processes: ZenWatcherProcess[] = [];
  readonly electionId = `zw-test-${randomSuffix()}`;
  readonly target: TestTarget;
  readonly dir: string;

  private constructor(target: TestTarget, dir: string) {
    this.target = target;
    this.dir = dir;
  }

  /** Every namespace of this run: the main one first, then the extra ones. */
  readonly namespaces: string[] = [];
  /** The environment every replica gets (ClusterOptions.env). */
  private env: Record<string, string> = {};

  static async start(options: ClusterOptions): Promise<ZenCluster> {
    const target = await testTarget({ namespacePrefix: 'zw-cluster' });
    await installCrds(target.kc);
    const cluster = new ZenCluster(target, await mkdtemp(join(tmpdir(), 'zw-cluster-')));
    cluster.namespaces.push(target.namespace);
    for (let i = 0; i < (options.extraNamespaces ?? 0); i++) {
      const name = `${target.namespace}-${i}`;
      await cluster.core().createNamespace({ body: { metadata: { name, labels: { 'zen-watcher.kube-zen.io/test-run': 'true' } } } });
      cluster.namespaces.push(name);
    }
    cluster.env = options.env ?? {};
    for (let i = 0; i < options.replicas; i++) await cluster.add(`zw-${i}`, {}, options.start !== false);
    return cluster;
  }

  get namespace(): string {
    return this.target.namespace;
  }

  get kc(): k8s.KubeConfig {
    return this.target.kc;
  }

  /** Adds (and by default starts) one more replica. */
  async add(name: string, env: Record<string, string> = {}, start = true): Promise<ZenWatcherProcess> {
    let kubeconfig = this.target.kubeconfigPath;
    if (this.target.api) {
      kubeconfig = join(this.dir, `${name}.kubeconfig`);
      await this.target.api.writeKubeconfig(kubeconfig, { user: `system:serviceaccount:${this.namespace}:${name}`, scheme: 'http' });
    }
    const proc = new ZenWatcherProcess({
      name,
      env: {
        ZW_MODE: 'cluster',
        KUBECONFIG: kubeconfig,
        POD_NAMESPACE: this.namespace,
        WATCH_NAMESPACE: this.namespaces.join(','),
        LEADER_ELECTION_ID: this.electionId,
        PLUGINS: CM_WATCH_PLUGIN,
        WATCH_STALL_SECONDS: '30',
        DEDUP_FLUSH_INTERVAL_SECONDS: '1',
        ...FAST_ELECTION,
        ...this.env,
        ...env,
      },
    });
    this.processes.push(proc);
    if (start) {
      await proc.start();
      await proc.ready();
    }
    return proc;
  }

  /** The token a process authenticates with (test server only), for partitions and request logs. */
  tokenOf(proc: ZenWatcherProcess): string {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(proc.options.env.KUBECONFIG);
    return kc.getCurrentUser()!.token!;
  }

  /** The Lease holder, or '' when none. */
  async leaseHolder(): Promise<string> {
    try {
      const lease = await this.kc.makeApiClient(k8s.CoordinationV1Api).readNamespacedLease({ name: this.electionId, namespace: this.namespace });
      return lease.spec?.holderIdentity ?? '';
    } catch {
      return '';
    }
  }

  /** Waits until exactly one running process reports zenwatcher_is_leader 1, and returns it. */
  async leader(timeoutMs = 20_000): Promise<ZenWatcherProcess> {
    return oneLeader(this.processes, { timeoutMs, describe: async () => ({ holder: await this.leaseHolder() }) });
  }

  custom(): k8s.CustomObjectsApi {
    return this.kc.makeApiClient(k8s.CustomObjectsApi);
  }

  core(): k8s.CoreV1Api {
    return this.kc.makeApiClient(k8s.CoreV1Api);
  }

  /** The Observations of this run, in every one of its namespaces. */
  async observations(): Promise<ObservationLike[]> {
    const out: ObservationLike[] = [];
    for (const namespace of this.namespaces) {
      const list = (await this.custom().listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: 'observations' })) as { items: ObservationLike[] };
      out.push(...list.items);
    }
    return out;
  }

  async applyIngester(name: string, spec: Record<string, unknown>): Promise<void> {
    const api = this.custom();
    const body = { apiVersion: `${GROUP}/${VERSION}`, kind: 'Ingester', metadata: { name, namespace: this.namespace }, spec };
    try {
      const cur = (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: 'ingesters', name })) as { metadata: { resourceVersion: string } };
      await api.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: 'ingesters', name, body: { ...body, metadata: { ...body.metadata, resourceVersion: cur.metadata.resourceVersion } } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
      await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: 'ingesters', body });
    }
  }

  async deleteIngester(name: string): Promise<void> {
    await this.custom().deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: 'ingesters', name });
  }

  async ingester(name: string): Promise<IngesterLike> {
    return (await this.custom().getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: this.namespace, plural: 'ingesters', name })) as IngesterLike;
  }

  /** Waits for the Ingester's Ready condition to have this status (and reason, if given). */
  async ingesterReady(name: string, status: 'True' | 'False', reason?: string, timeoutMs = 15_000): Promise<IngesterLike> {
    return waitFor(`Ingester ${name} Ready=${status}${reason ? ` (${reason})` : ''}`, async () => {
      const ing = await this.ingester(name);
      const c = ing.status?.conditions?.find((x) => x.type === 'Ready');
      return c && c.status === status && (!reason || c.reason === reason) && ing.status?.observedGeneration === ing.metadata.generation ? ing : undefined;
    }, { timeoutMs, describe: async () => (await this.ingester(name).catch(() => undefined))?.status });
  }

  /** Creates a ConfigMap the test plugin turns into one finding. */
  async createFinding(name: string, finding: string, severity = 'high', namespace = this.namespace): Promise<void> {
    await this.core().createNamespacedConfigMap({ namespace, body: { metadata: { name, labels: { 'zw-test': 'finding' } }, data: { finding, severity } } });
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.filter((p) => p.running).map((p) => p.stop('SIGKILL').catch(() => undefined)));
    for (const ns of this.namespaces.slice(1)) await this.core().deleteNamespace({ name: ns }).catch(() => undefined);
    await this.target.cleanup();
  }
}

export interface ObservationLike {
  metadata: { name: string; namespace: string; creationTimestamp?: string };
  spec: { source: string; title: string; severity: string; resource?: { name?: string; namespace?: string }; dedupKey?: string };
  status?: { count: number; lastSeenAt: string };
}

export interface IngesterLike {
  metadata: { name: string; generation?: number };
  status?: { observedGeneration?: number; webhookPath?: string; conditions?: { type: string; status: string; reason: string; message: string }[] };
}
