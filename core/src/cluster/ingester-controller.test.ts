import { definePlugin } from '@zen-watcher/sdk';
import { pino } from 'pino';
import Type from 'typebox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigAs } from '../../../test/harness/api-users.ts';
import { installCrds } from '../../../test/harness/cluster.ts';
import { fakeOnly, randomSuffix, testTarget, waitFor, type TestTarget } from '../../../test/kube-api/index.ts';
import { KubeHttp } from '../kube/kube-http.js';
import { sleep } from '../kube/retry.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { DedupCache } from '../pipeline/dedup-cache.js';
import { Pipeline } from '../pipeline/pipeline.js';
import type { ObservationSink } from '../pipeline/ports.js';
import type { LoadedPlugin } from '../plugins/discovery.js';
import { Manager } from '../runtime/manager.js';
import { RouteTable } from '../runtime/route-table.js';
import { SourceRegistry } from '../runtime/source-registry.js';
import { IngesterController, type IngesterCondition } from './ingester-controller.js';
import { IngesterStatusWriter } from './ingester-status.js';
import { SecretCache } from './secret-cache.js';

// The Ingester reconcile of one pod that leads (controller + status writer, as cluster mode
// wires them), against the test API server (or ZW_TEST_KUBECONFIG's cluster). Each test works
// in a namespace of its own, so no test sees another's Ingesters.

/** Plugin starts waiting on a gate, by the gate's name in the Ingester's config. */
interface Gate {
  opened: Promise<void>;
  open: () => void;
  /** A plugin start is waiting on it. */
  entered: boolean;
}
const gates = new Map<string, Gate>();
function gate(name: string): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const g = { opened, open, entered: false };
  gates.set(name, g);
  return g;
}

const hook = definePlugin({ name: 'unit-hook', kind: 'webhook', handle: () => [] });
const slowStart = definePlugin({
  name: 'slow-start',
  kind: 'webhook',
  config: Type.Object({ gate: Type.String() }),
  async start(ctx) {
    const g = gates.get(ctx.config.gate);
    if (!g) return;
    g.entered = true;
    await g.opened;
  },
  handle: () => [],
});
const plugins = new Map<string, LoadedPlugin>([hook, slowStart].map((p) => [p.name, { plugin: p as LoadedPlugin['plugin'], packageName: `test-${p.name}`, version: '0.0.0', origin: 'configured' as const }]));

/** Nothing is written in these tests: Observations are not their concern. */
const nullSink: ObservationSink = { upsert: async () => ({ kind: 'created' }), addCounts: async () => [], close: async () => undefined };

let target: TestTarget;
let admin: KubeHttp;
const namespaces: string[] = [];
const pods: Pod[] = [];

beforeAll(async () => {
  target = await testTarget({ namespacePrefix: 'zw-ingesters' });
  await installCrds(target.kc);
  admin = new KubeHttp(target.kc, { qps: 1000, burst: 1000 });
});
afterEach(async () => {
  for (const g of gates.values()) g.open();
  await Promise.all(pods.splice(0).map((p) => p.stop()));
  target.api?.faults.clear();
  await Promise.all(namespaces.splice(0).map((ns) => admin.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}` }).catch(() => undefined)));
});
afterAll(() => target?.cleanup());

async function namespace(): Promise<string> {
  const ns = `zw-ing-${randomSuffix()}`;
  await admin.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: ns } } });
  namespaces.push(ns);
  return ns;
}

interface Pod {
  user: string;
  routes: RouteTable;
  controller: IngesterController;
  stop(): Promise<void>;
}

/** One leading pod's Ingester machinery, watching `ns`. */
async function leadingPod(ns: string, user = `pod-${randomSuffix()}`): Promise<Pod> {
  const http = new KubeHttp(kubeconfigAs(target, user), { qps: 1000, burst: 1000 });
  const metrics = createHostMetrics({ defaultMetrics: false });
  const log = pino({ level: 'silent' });
  const routes = new RouteTable();
  const pipeline = new Pipeline({ sink: nullSink, dedup: new DedupCache(10), metrics, log });
  const sources = new SourceRegistry({ plugins, routes, pipeline, log, metrics, registry: metrics.registry, scope: [ns], defaultTtlSeconds: 3600, dedupWindowSeconds: 0 });
  const secrets = new SecretCache({ http, metrics, log });
  let status: IngesterStatusWriter | undefined;
  const controller = new IngesterController({ http, sources, routes, secrets, scope: [ns], metrics, log, onState: (id) => status?.changed(id) });
  status = new IngesterStatusWriter({ http, controller, secrets, podName: user, log });
  const manager = new Manager(log).add(secrets, controller, status);
  const leading = new AbortController();
  await manager.start();
  await manager.startLeading(leading.signal);
  const pod = {
    user,
    routes,
    controller,
    async stop() {
      leading.abort();
      await manager.stop();
      await sources.stopAll();
    },
  };
  pods.push(pod);
  return pod;
}

interface Ingester {
  metadata: { name: string; generation?: number; resourceVersion?: string; creationTimestamp?: string };
  spec: Record<string, unknown>;
  status?: { observedGeneration?: number; webhookPath?: string | null; conditions?: IngesterCondition[] };
}

const ingesters = (ns: string) => `/apis/zen.kube-zen.io/v1alpha1/namespaces/${ns}/ingesters`;
const getIngester = (ns: string, name: string) => admin.request<Ingester>({ method: 'GET', path: `${ingesters(ns)}/${name}` });

function createIngester(ns: string, name: string, spec: Record<string, unknown>): Promise<Ingester> {
  return admin.request<Ingester>({ method: 'POST', path: ingesters(ns), body: { apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Ingester', metadata: { name }, spec } });
}

async function replaceSpec(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  const current = await getIngester(ns, name);
  await admin.request({ method: 'PUT', path: `${ingesters(ns)}/${name}`, body: { ...current, spec } });
}

/** Waits for the Ingester's status to say Ready=`status` (with `reason`) for its current generation. */
function ready(ns: string, name: string, status: 'True' | 'False', reason?: string): Promise<Ingester> {
  return waitFor(
    async () => {
      const ing = await getIngester(ns, name);
      const c = ing.status?.conditions?.find((x) => x.type === 'Ready');
      return c?.status === status && (!reason || c.reason === reason) && ing.status?.observedGeneration === ing.metadata.generation ? ing : undefined;
    },
    { timeoutMs: 15_000, message: `Ingester ${ns}/${name} Ready=${status} ${reason ?? ''}` },
  );
}

/** Creates `name` a second (the resolution of creationTimestamp) after `older` was created. */
async function createYounger(ns: string, name: string, spec: Record<string, unknown>, older: Ingester): Promise<Ingester> {
  await sleep(1100);
  const young = await createIngester(ns, name, spec);
  expect(young.metadata.creationTimestamp! > older.metadata.creationTimestamp!).toBe(true);
  return young;
}

describe('Ingester reconcile', () => {
  it.skipIf(fakeOnly('injects API faults'))('retries a failed status write with backoff until it lands, with no other change to the Ingester', async () => {
    const ns = await namespace();
    const pod = await leadingPod(ns);
    const refused = target.api!.faults.fail({ match: { user: pod.user, verb: 'patch', resource: 'ingesters', subresource: 'status' }, status: 500, times: 3 });
    const created = await createIngester(ns, 'hook', { source: 'unit-hook' });
    const ing = await ready(ns, 'hook', 'True', 'Accepted');
    expect(refused.hits).toBe(3);
    expect(target.api!.requests.list({ user: pod.user, verb: 'patch', resource: 'ingesters' }).map((r) => r.code)).toEqual([500, 500, 500, 200]);
    expect(ing.status).toMatchObject({ webhookPath: `/ingest/${ns}/hook`, observedGeneration: 1 });
    // Nothing but the status changed: same generation and spec, and the pod wrote nothing else to it.
    expect(ing.metadata.generation).toBe(created.metadata.generation);
    expect(ing.spec).toEqual(created.spec);
    expect(target.api!.requests.count({ user: pod.user, resource: 'ingesters', verb: ['create', 'update', 'delete'] })).toBe(0);
  });

  it('one Ingester whose plugin start hangs does not hold up another', async () => {
    const ns = await namespace();
    const stuck = gate(`gate-${ns}`);
    const pod = await leadingPod(ns);
    await createIngester(ns, 'stuck', { source: 'slow-start', config: { gate: `gate-${ns}` } });
    await waitFor(() => stuck.entered, { message: "stuck's plugin start to be called" });
    await createIngester(ns, 'quick', { source: 'unit-hook' });
    await ready(ns, 'quick', 'True', 'Accepted');
    expect(pod.routes.get(`/ingest/${ns}/quick`)?.id).toBe(`${ns}/quick`);
    expect(pod.controller.state(`${ns}/stuck`)).toBeUndefined();
    expect((await getIngester(ns, 'stuck')).status?.conditions).toBeUndefined();
    stuck.open();
    await ready(ns, 'stuck', 'True', 'Accepted');
    expect(pod.routes.get(`/ingest/${ns}/stuck`)?.id).toBe(`${ns}/stuck`);
  });

  it('the older Ingester owns a shared path even when it claims it last, and a freed path passes to the next claimant', async () => {
    const ns = await namespace();
    const path = `/ingest/shared-${randomSuffix()}`;
    const pod = await leadingPod(ns);
    // The older one names a plugin not installed at first: the younger claims the path first, and serves it.
    const old = await createIngester(ns, 'old', { source: 'not-installed', webhook: { path } });
    await ready(ns, 'old', 'False', 'UnknownSource');
    await createYounger(ns, 'young', { source: 'unit-hook', webhook: { path } }, old);
    await ready(ns, 'young', 'True', 'Accepted');
    expect(pod.routes.get(path)?.id).toBe(`${ns}/young`);
    // Fixed, the older one claims the path last, and takes it.
    await replaceSpec(ns, 'old', { source: 'unit-hook', webhook: { path } });
    await ready(ns, 'old', 'True', 'Accepted');
    const young = await ready(ns, 'young', 'False', 'RouteConflict');
    expect(young.status?.conditions?.[0].message).toContain(`${ns}/old`);
    expect(pod.routes.get(path)?.id).toBe(`${ns}/old`);
    // The path freed, the waiting claimant gets it.
    await admin.request({ method: 'DELETE', path: `${ingesters(ns)}/old` });
    await ready(ns, 'young', 'True', 'Accepted');
    expect(pod.routes.get(path)?.id).toBe(`${ns}/young`);
  });

  it('the older Ingester owns a shared path when both are listed at once (a pod starting), whichever is reconciled first', async () => {
    const ns = await namespace();
    const path = `/ingest/shared-${randomSuffix()}`;
    // Named so that the younger one is listed first.
    const old = await createIngester(ns, 'zz-old', { source: 'unit-hook', webhook: { path } });
    await createYounger(ns, 'aa-young', { source: 'unit-hook', webhook: { path } }, old);
    const pod = await leadingPod(ns);
    await ready(ns, 'zz-old', 'True', 'Accepted');
    await ready(ns, 'aa-young', 'False', 'RouteConflict');
    await waitFor(() => pod.controller.state(`${ns}/aa-young`)?.reason === 'RouteConflict');
    expect(pod.controller.state(`${ns}/zz-old`)).toMatchObject({ ok: true, webhookPath: path });
    expect(pod.routes.get(path)?.id).toBe(`${ns}/zz-old`);
  });
});
