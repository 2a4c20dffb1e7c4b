// What the benchmark runs against: the test API server in this process with the realistic
// cost model, the chart's CRDs and the Trivy report CRD, N full-size VulnerabilityReports
// across 10 namespaces, and two real zen-watcher processes with the default settings.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { mapReport } from '@zen-watcher/plugin-trivy';
import { SILENT } from '@zen-watcher/sdk/helpers';
import { toObservation } from '../../core/src/pipeline/normalize.ts';
import { installCrds, oneLeader } from '../../test/harness/cluster.ts';
import { ZenWatcherProcess } from '../../test/harness/zen-watcher-process.ts';
import { rawRequest } from '../../test/kube-api/raw-client.ts';
import { startKubeApi, type KubeApi } from '../../test/kube-api/server.ts';
import { REPORT_CRDS, ensureCrds } from '../../test/sources/source-fixtures.ts';
import { reportsPath, vulnerabilityReport } from '../../test/cluster/trivy-reports.ts';
import { RequestTally } from './request-tally.ts';

export const ZEN_NAMESPACE = 'zen-system';
/** INFORMER_PARTITIONS the replicas run with: the host's default (core/src/config/host-config.ts). */
export const PARTITIONS = 32;
/** LEADER_ELECTION_ID of the replicas: the name of the leader Lease, and the set of the partition Leases. */
export const ELECTION_ID = 'zen-watcher-bench';
export const REPORT_NAMESPACES = Array.from({ length: 10 }, (_, i) => `team-${i}`);
const OBSERVATIONS = 'zen.kube-zen.io/observations';

export interface BenchClusterOptions {
  /** How the clients reach the server: https as a real cluster (default), or plain http. */
  scheme: 'http' | 'https';
}

export class BenchCluster {
  readonly kc = new k8s.KubeConfig();
  readonly processes: ZenWatcherProcess[] = [];
  readonly tally: RequestTally;
  readonly api: KubeApi;
  readonly dir: string;
  readonly options: BenchClusterOptions;

  private constructor(api: KubeApi, dir: string, options: BenchClusterOptions) {
    this.api = api;
    this.dir = dir;
    this.options = options;
    this.tally = new RequestTally(api);
  }

  static async start(options: BenchClusterOptions): Promise<BenchCluster> {
    // Bookmarks about once a minute, as a real server sends them.
    const api = await startKubeApi({ port: 0, costModel: 'realistic', bookmarkIntervalMs: 60_000 });
    const c = new BenchCluster(api, await mkdtemp(join(tmpdir(), 'zw-bench-scale-')), options);
    c.kc.loadFromFile(await c.kubeconfig('system:admin'));
    await installCrds(c.kc);
    await ensureCrds(c.kc, [REPORT_CRDS.vulnerabilityreports]);
    const core = c.kc.makeApiClient(k8s.CoreV1Api);
    for (const name of [ZEN_NAMESPACE, ...REPORT_NAMESPACES]) await core.createNamespace({ body: { metadata: { name } } });
    return c;
  }

  /** A kubeconfig file for `user` (its own token, so the request counts tell clients apart). */
  async kubeconfig(user: string): Promise<string> {
    const path = join(this.dir, `${user.replace(/[^a-z0-9-]/gi, '_')}.kubeconfig`);
    await this.api.writeKubeconfig(path, { user, scheme: this.options.scheme });
    return path;
  }

  /** Creates `n` reports, round-robin over the 10 namespaces, 16 at a time. */
  async createReports(n: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < n) {
          const i = next++;
          const ns = REPORT_NAMESPACES[i % REPORT_NAMESPACES.length];
          const res = await rawRequest(this.kc, 'POST', reportsPath(ns), vulnerabilityReport(ns, `app-${i}`));
          if (res.status !== 201) throw new Error(`creating report ${i}: ${res.status} ${res.text}`);
        }
      }),
    );
  }

  /** Starts the replicas with the host's defaults (election, QPS, concurrency); only logs at info. */
  async startReplicas(n: number, env: Record<string, string> = {}): Promise<void> {
    for (let i = 0; i < n; i++) {
      const name = `zw-${i}`;
      const proc = new ZenWatcherProcess({
        name,
        env: { ZW_MODE: 'cluster', KUBECONFIG: await this.kubeconfig(this.userOf(name)), POD_NAMESPACE: ZEN_NAMESPACE, LEADER_ELECTION_ID: ELECTION_ID, LOG_LEVEL: 'info', ...env },
      });
      this.processes.push(proc);
      await proc.start();
      await proc.ready(60_000);
    }
  }

  userOf(name: string): string {
    return `system:serviceaccount:${ZEN_NAMESPACE}:${name}`;
  }

  /** The one running process reporting itself leader. */
  leader(timeoutMs = 60_000): Promise<ZenWatcherProcess> {
    return oneLeader(this.processes, { timeoutMs, intervalMs: 100 });
  }

  async applyIngester(spec: Record<string, unknown>, name = 'trivy'): Promise<void> {
    const body = { apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Ingester', metadata: { name, namespace: ZEN_NAMESPACE }, spec };
    const res = await rawRequest(this.kc, 'POST', `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ZEN_NAMESPACE}/ingesters`, body);
    if (res.status !== 201) throw new Error(`creating the Ingester: ${res.status} ${res.text}`);
  }

  /** The reports' Observations as stored (read from the server's store: no request, no cost). */
  private *findings(): Iterable<{ status?: { count?: number } }> {
    const byNamespace = this.api.store.collection(OBSERVATIONS).byNamespace;
    for (const ns of REPORT_NAMESPACES) yield* byNamespace.get(ns)?.values() ?? [];
  }

  /** How many Observations the reports' namespaces hold (the baseline writes elsewhere). */
  get observationCount(): number {
    const byNamespace = this.api.store.collection(OBSERVATIONS).byNamespace;
    return REPORT_NAMESPACES.reduce((n, ns) => n + (byNamespace.get(ns)?.size ?? 0), 0);
  }

  /** Of those, the ones whose status holds a count other than 1 (a first sighting stores none). */
  countsOtherThanOne(): number {
    let n = 0;
    for (const o of this.findings()) if (o.status?.count !== undefined && o.status.count !== 1) n++;
    return n;
  }

  /**
   * The baseline's Observation: what the trivy plugin makes of the fixture's first finding, as
   * zen-watcher stores it (label and spec), written to a file for the create loop. Its source
   * is not `trivy`, so the catch-up's lists of trivy Observations do not see these.
   */
  async observationTemplate(): Promise<string> {
    const [event] = mapReport(vulnerabilityReport(REPORT_NAMESPACES[0], 'baseline'), { reports: ['vulnerability'], minSeverity: 'medium', ignoreUnfixed: false, maxFindingsPerReport: 1000 }, SILENT);
    const obs = toObservation(event, 'baseline', { source: 'baseline', defaultNamespace: ZEN_NAMESPACE, scope: [], ttlSecondsAfterCreation: 0, receivedAt: new Date().toISOString() });
    const path = join(this.dir, 'observation-template.json');
    await writeFile(path, JSON.stringify({ metadata: { labels: obs.metadata.labels }, spec: obs.spec }));
    return path;
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.filter((p) => p.running).map((p) => p.stop('SIGKILL').catch(() => undefined)));
    await this.api.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}
