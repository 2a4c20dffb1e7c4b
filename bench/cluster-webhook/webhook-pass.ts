// One pass of the webhook benchmark: a falco Ingester of its own in a namespace of its own, the
// load generator's alerts posted round-robin to the replicas, then what the API server holds
// and what it was asked (the request tally), and what the replicas say they did (/metrics).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as k8s from '@kubernetes/client-node';
import { sumOf, type Sample } from '../../test/harness/prometheus-text.ts';
import { waitFor } from '../../test/harness/wait-for.ts';
import type { ZenWatcherProcess } from '../../test/harness/zen-watcher-process.ts';
import { rawRequest } from '../../test/kube-api/raw-client.ts';
import type { BenchCluster } from '../informer-scale/bench-cluster.ts';
import { cpuSecondsOf } from '../process-stats.ts';

const OBSERVATIONS = 'zen.kube-zen.io/observations';
const INGESTERS = (ns: string) => `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ns}/ingesters`;
const isWrite = (kind: string) => /^(create|update|patch|delete|deletecollection) /.test(kind);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export interface LoadResult {
  sent: number;
  seconds: number;
  codes: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuSeconds: number;
}

/** What one replica's /metrics moved by during the pass. */
export interface ReplicaPass {
  name: string;
  answered: Record<string, number>;
  creates: number;
  meanCreateMs: number;
  writeErrors: Record<string, number>;
  dropped: Record<string, number>;
  requests: number;
  cpuSeconds: number;
}

export interface PassFigures {
  namespace: string;
  concurrency: number;
  load: LoadResult;
  acknowledged: number;
  perSecond: number;
  /** Observations in the pass's namespace once every replica's write queue is empty. */
  stored: number;
  /** Stored with a count other than 1 (a distinct alert is one occurrence). */
  countsNotOne: number;
  /** Creates of Observations the server answered 409 (a finding written twice). */
  conflicts: number;
  /** Every request of the replicas during the pass, by kind (Leases included). */
  requests: Record<string, number>;
  requestsPerFinding: number;
  observationRequestsPerFinding: number;
  observationWritesPerFinding: number;
  leaseRequestsPerSecond: number;
  replicas: ReplicaPass[];
}

/** Applies a falco Ingester in `namespace` and waits until every replica routes its path. */
async function servePath(c: BenchCluster, namespace: string): Promise<string> {
  await c.kc.makeApiClient(k8s.CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
  const body = { apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Ingester', metadata: { name: 'falco', namespace }, spec: { source: 'falco' } };
  const res = await rawRequest(c.kc, 'POST', INGESTERS(namespace), body);
  if (res.status !== 201) throw new Error(`creating the Ingester: ${res.status} ${res.text}`);
  const path = `/ingest/${namespace}/falco`;
  // An empty object is not a Falco alert: 400 says the falco source serves the path, and writes nothing.
  const routed = async (p: ZenWatcherProcess) => (await p.post(path, {})).status === 400;
  await waitFor(`every replica to serve ${path}`, async () => (await Promise.all(c.processes.map(routed))).every(Boolean), { timeoutMs: 30_000, intervalMs: 200 });
  return path;
}

/** The load generator in its own process. */
function load(urls: string[], path: string, namespace: string, count: number, concurrency: number): Promise<LoadResult> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'alert-load.ts'), urls.join(','), path, namespace, String(count), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as LoadResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the load generator exited with ${code}`))));
  });
}

/** Samples of `name` by the value of `label`, as `after - before`. */
function deltaBy(before: Sample[], after: Sample[], name: string, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of after.filter((x) => x.name === name)) out[s.labels[label]] = (out[s.labels[label]] ?? 0) + s.value;
  for (const s of before.filter((x) => x.name === name)) out[s.labels[label]] = (out[s.labels[label]] ?? 0) - s.value;
  return Object.fromEntries(Object.entries(out).filter(([, n]) => n !== 0));
}

/** Waits until no replica has a write waiting or in flight (a 503'd alert's write may still land). */
async function drained(processes: ZenWatcherProcess[]): Promise<void> {
  const depth = async () => sum(await Promise.all(processes.map((p) => p.metric('zen_watcher_write_queue_depth'))));
  await waitFor('the write queues to drain', async () => (await depth()) === 0, { timeoutMs: 120_000, intervalMs: 200 });
}

export async function webhookPass(c: BenchCluster, namespace: string, count: number, concurrency: number): Promise<PassFigures> {
  const path = await servePath(c, namespace);
  const replicas = c.processes;
  const before = await Promise.all(replicas.map((p) => p.samples()));
  const cpu0 = replicas.map((p) => cpuSecondsOf(p.child!.pid!)!);
  c.tally.phase = namespace;
  const result = await load(replicas.map((p) => p.url), path, namespace, count, concurrency);
  const cpu = replicas.map((p, i) => cpuSecondsOf(p.child!.pid!)! - cpu0[i]);
  await drained(replicas);
  c.tally.phase = 'between passes';
  const after = await Promise.all(replicas.map((p) => p.samples()));

  const stored = [...(c.api.store.collection(OBSERVATIONS).byNamespace.get(namespace)?.values() ?? [])] as { status?: { count?: number } }[];
  const acknowledged = sum(Object.entries(result.codes).filter(([code]) => /^2\d\d$/.test(code)).map(([, n]) => n));
  const requests: Record<string, number> = {};
  for (const p of replicas) for (const [k, n] of Object.entries(c.tally.of(namespace, c.userOf(p.name)))) requests[k] = (requests[k] ?? 0) + n;
  const of = (test: (kind: string) => boolean) => sum(Object.entries(requests).filter(([k]) => test(k)).map(([, n]) => n));
  const findings = Math.max(1, stored.length);
  const figures: PassFigures = {
    namespace,
    concurrency,
    load: result,
    acknowledged,
    perSecond: acknowledged / result.seconds,
    stored: stored.length,
    countsNotOne: stored.filter((o) => o.status?.count !== undefined && o.status.count !== 1).length,
    conflicts: c.tally.createsAnswered(namespace, 409),
    requests,
    requestsPerFinding: of(() => true) / findings,
    observationRequestsPerFinding: of((k) => k.includes(' observations ')) / findings,
    observationWritesPerFinding: of((k) => isWrite(k) && k.includes(' observations ')) / findings,
    leaseRequestsPerSecond: of((k) => k.includes(' leases ')) / result.seconds,
    replicas: replicas.map((p, i) => {
      const b = before[i];
      const a = after[i];
      const creates = sumOf(a, 'zen_watcher_write_duration_seconds_count', { operation: 'create' }) - sumOf(b, 'zen_watcher_write_duration_seconds_count', { operation: 'create' });
      const createSeconds = sumOf(a, 'zen_watcher_write_duration_seconds_sum', { operation: 'create' }) - sumOf(b, 'zen_watcher_write_duration_seconds_sum', { operation: 'create' });
      return {
        name: p.name,
        answered: deltaBy(b, a, 'zen_watcher_webhook_requests_total', 'code'),
        creates,
        meanCreateMs: creates ? (createSeconds / creates) * 1000 : 0,
        writeErrors: deltaBy(b, a, 'zen_watcher_write_errors_total', 'reason'),
        dropped: deltaBy(b, a, 'zen_watcher_events_dropped_total', 'reason'),
        requests: c.tally.total(namespace, c.userOf(p.name)),
        cpuSeconds: cpu[i],
      };
    }),
  };
  c.tally.dropCreates(namespace);
  return figures;
}
