import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigAs } from '../../../test/harness/api-users.ts';
import { fakeOnly, randomSuffix, testTarget, waitFor, type TestTarget } from '../../../test/kube-api/index.ts';
import { KubeHttp, microTime } from '../kube/kube-http.js';
import { sleep } from '../kube/retry.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { CHECKPOINT_ANNOTATION, LeaseElector, type ElectionTiming } from './lease-elector.js';

// The elector's rules against the test API server (or ZW_TEST_KUBECONFIG's cluster): each
// test elects on a Lease of its own in the run's namespace.

interface Lease {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

const FAST: ElectionTiming = { leaseDurationSeconds: 2, renewDeadlineSeconds: 1, retryPeriodSeconds: 0.2 };
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

let target: TestTarget;
let admin: KubeHttp;
let ns: string;
const candidates: Candidate[] = [];

beforeAll(async () => {
  target = await testTarget({ namespacePrefix: 'zw-lease' });
  admin = new KubeHttp(target.kc, { qps: 1000, burst: 1000 });
  ns = target.namespace;
});
afterEach(async () => {
  await Promise.all(candidates.splice(0).map((c) => c.elector.close()));
  target.api?.faults.clear();
});
afterAll(() => target?.cleanup());

const leasePath = (name = '') => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases${name ? `/${name}` : ''}`;
const readLease = (name: string) => admin.request<Lease>({ method: 'GET', path: leasePath(name) });

/** One candidate and what its callbacks saw. */
interface Candidate {
  elector: LeaseElector;
  identity: string;
  /** The checkpoints each start of leader-only work was handed. */
  started: Record<string, string>[];
  stops: number;
  leading: boolean;
  /** When the last stop came, and who held the Lease then. */
  stoppedAt?: number;
  holderAtStop?: string;
  metrics: ReturnType<typeof createHostMetrics>;
}

function candidate(lease: string, identity: string, timing = FAST, checkpoints?: () => Record<string, string>): Candidate {
  const metrics = createHostMetrics({ defaultMetrics: false });
  const c: Omit<Candidate, 'elector'> & { elector?: LeaseElector } = { identity, started: [], stops: 0, leading: false, metrics };
  c.elector = new LeaseElector({
    http: new KubeHttp(kubeconfigAs(target, identity), { qps: 1000, burst: 1000 }),
    namespace: ns,
    name: lease,
    identity,
    timing,
    metrics,
    log: pino({ level: 'silent' }),
    callbacks: {
      async onStartedLeading(_signal, inherited) {
        c.started.push(inherited);
        c.leading = true;
      },
      checkpoints,
      async onStoppedLeading() {
        c.stops++;
        c.leading = false;
        c.stoppedAt = Date.now();
        c.holderAtStop = (await readLease(lease).catch(() => undefined))?.spec.holderIdentity;
      },
    },
  });
  candidates.push(c as Candidate);
  return c as Candidate;
}

async function leads(c: Candidate, timeoutMs = 10_000): Promise<void> {
  await waitFor(() => c.leading && c.elector.isLeader, { timeoutMs, message: `${c.identity} to lead` });
}

async function isLeaderGauge(c: Candidate): Promise<number> {
  return (await c.metrics.isLeader.get()).values[0]?.value ?? -1;
}

/** A Lease held by someone else, created as another client would. */
async function heldBy(name: string, holder: string, renewTime: Date, leaseDurationSeconds = FAST.leaseDurationSeconds): Promise<Lease> {
  return admin.request<Lease>({
    method: 'POST',
    path: leasePath(),
    body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec: { holderIdentity: holder, leaseDurationSeconds, acquireTime: microTime(renewTime), renewTime: microTime(renewTime), leaseTransitions: 3 } },
  });
}

describe('microTime', () => {
  it('renders exactly six fractional digits in UTC, as the API server requires of MicroTime', () => {
    expect(microTime(new Date('2026-11-26T06:20:54.123Z'))).toBe('2026-11-26T06:20:54.123000Z');
    expect(microTime(new Date('2026-11-26T06:20:54Z'))).toBe('2026-11-26T06:20:54.000000Z');
  });
});

describe('LeaseElector', () => {
  it('takes a Lease nobody holds by creating it, with MicroTime times, and hands no checkpoints', async () => {
    const name = `free-${randomSuffix()}`;
    const a = candidate(name, 'pod-a');
    await a.elector.start();
    await leads(a);
    const lease = await readLease(name);
    expect(lease.spec).toMatchObject({ holderIdentity: 'pod-a', leaseDurationSeconds: 2, leaseTransitions: 0 });
    expect(lease.spec.acquireTime).toMatch(MICRO_TIME);
    expect(lease.spec.renewTime).toMatch(MICRO_TIME);
    expect(a.started).toEqual([{}]);
    expect(await isLeaderGauge(a)).toBe(1);
  });

  it('takes over a Lease whose holder stopped renewing, by its own clock (a holder clock far ahead does not keep it)', async () => {
    const name = `expired-${randomSuffix()}`;
    // The holder's clock runs an hour ahead: by renewTime the Lease looks fresh for an hour.
    const before = await heldBy(name, 'pod-gone', new Date(Date.now() + 3600_000));
    const a = candidate(name, 'pod-a');
    await a.elector.start();
    await leads(a);
    const lease = await readLease(name);
    expect(lease.spec.holderIdentity).toBe('pod-a');
    expect(lease.spec.leaseTransitions).toBe(before.spec.leaseTransitions! + 1);
    expect(lease.spec.acquireTime).not.toBe(before.spec.acquireTime);
    expect(lease.spec.acquireTime).toMatch(MICRO_TIME);
  });

  it('never takes a Lease its holder keeps renewing, however old its renewTime looks', async () => {
    const name = `fresh-${randomSuffix()}`;
    let lease = await heldBy(name, 'pod-b', new Date('2000-01-01T00:00:00Z'));
    // pod-b renews every 300 ms, its clock stuck in 2000: what counts is that the record changes.
    let renewing = true;
    const renewer = (async () => {
      for (let i = 1; renewing; i++) {
        await sleep(300);
        lease = await admin.request<Lease>({ method: 'PUT', path: leasePath(name), body: { ...lease, spec: { ...lease.spec, renewTime: `2000-01-01T00:00:00.${String(i).padStart(6, '0')}Z` } } });
      }
    })();
    const a = candidate(name, 'pod-a');
    await a.elector.start();
    await sleep(FAST.leaseDurationSeconds * 2000);
    expect(a.started).toEqual([]);
    expect((await readLease(name)).spec.holderIdentity).toBe('pod-b');
    renewing = false;
    await renewer;
    // Once pod-b stops, the Lease expires by pod-a's clock and pod-a takes it.
    await leads(a);
    expect((await readLease(name)).spec.holderIdentity).toBe('pod-a');
  });

  it('renews while leading: renewTime moves on, acquireTime and leaseTransitions stay', async () => {
    const name = `renew-${randomSuffix()}`;
    const a = candidate(name, 'pod-a');
    await a.elector.start();
    await leads(a);
    const first = await readLease(name);
    const renewed = await waitFor(async () => {
      const l = await readLease(name);
      return l.spec.renewTime! > first.spec.renewTime! ? l : undefined;
    });
    expect(renewed.spec).toMatchObject({ holderIdentity: 'pod-a', acquireTime: first.spec.acquireTime, leaseTransitions: first.spec.leaseTransitions });
    expect(renewed.spec.renewTime).toMatch(MICRO_TIME);
    expect(a.stops).toBe(0);
  });

  it.skipIf(fakeOnly('injects API faults'))('steps down when renewals fail, before the Lease could expire for anyone else, and leads again once they work', async () => {
    const name = `deadline-${randomSuffix()}`;
    const timing = { leaseDurationSeconds: 4, renewDeadlineSeconds: 1.5, retryPeriodSeconds: 0.3 };
    const a = candidate(name, 'pod-a', timing);
    await a.elector.start();
    await leads(a);
    target.api!.faults.fail({ match: { user: 'pod-a', resource: 'leases' }, status: 503 });
    await waitFor(() => a.stops === 1, { message: 'pod-a to step down' });
    const lastRenewed = Date.parse((await readLease(name)).spec.renewTime!);
    // Leader-only work stopped while the Lease it last renewed was still valid for everyone.
    expect(a.stoppedAt!).toBeLessThan(lastRenewed + timing.leaseDurationSeconds * 1000);
    expect(a.elector.isLeader).toBe(false);
    expect(await isLeaderGauge(a)).toBe(0);
    target.api!.faults.clear();
    await leads(a);
    expect(a.started).toHaveLength(2);
  });

  it('on close stops its work, then releases the Lease (empty holder), so a follower takes it at once', async () => {
    const name = `release-${randomSuffix()}`;
    // Long enough that a follower which waited the Lease out would fail this test.
    const timing = { leaseDurationSeconds: 60, renewDeadlineSeconds: 40, retryPeriodSeconds: 0.2 };
    const a = candidate(name, 'pod-a', timing);
    await a.elector.start();
    await leads(a);
    const b = candidate(name, 'pod-b', timing);
    await b.elector.start();
    await a.elector.close();
    expect(a.stops).toBe(1);
    expect(a.holderAtStop).toBe('pod-a');
    await leads(b);
    const lease = await readLease(name);
    expect(lease.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
    expect(lease.spec.renewTime).toMatch(MICRO_TIME);
  });

  it('leaves a released Lease with an empty holder and MicroTime times', async () => {
    const name = `released-${randomSuffix()}`;
    const a = candidate(name, 'pod-a');
    await a.elector.start();
    await leads(a);
    await a.elector.close();
    const lease = await readLease(name);
    expect(lease.spec.holderIdentity ?? '').toBe('');
    expect(lease.spec.leaseDurationSeconds).toBe(1);
    expect(lease.spec.renewTime).toMatch(MICRO_TIME);
    expect(lease.spec.acquireTime).toMatch(MICRO_TIME);
  });

  it("hands its last checkpoints to the successor when it releases the Lease", async () => {
    const name = `handover-${randomSuffix()}`;
    let n = 0;
    const a = candidate(name, 'pod-a', FAST, () => ({ 'events|v1/events|ns': String(++n) }));
    await a.elector.start();
    await leads(a);
    await waitFor(async () => (await readLease(name)).metadata.annotations?.[CHECKPOINT_ANNOTATION]);
    await a.elector.close();
    const stored = JSON.parse((await readLease(name)).metadata.annotations![CHECKPOINT_ANNOTATION]) as Record<string, string>;
    // Taken at close, after every renewal: the latest there is.
    expect(stored).toEqual({ 'events|v1/events|ns': String(n) });
    const b = candidate(name, 'pod-b');
    await b.elector.start();
    await leads(b);
    expect(b.started).toEqual([stored]);
  });

  it.skipIf(fakeOnly('partitions a client'))('hands the checkpoints of its last renewal to the successor when it vanishes', async () => {
    const name = `vanish-${randomSuffix()}`;
    const a = candidate(name, 'pod-a', FAST, () => ({ stream: '4711' }));
    await a.elector.start();
    await leads(a);
    await waitFor(async () => (await readLease(name)).metadata.annotations?.[CHECKPOINT_ANNOTATION]);
    // pod-a is cut off (its node died): it can neither renew nor release.
    const cut = target.api!.faults.partition({ user: 'pod-a' }, 'hang');
    const b = candidate(name, 'pod-b');
    await b.elector.start();
    await leads(b);
    expect(b.started).toEqual([{ stream: '4711' }]);
    await waitFor(() => a.stops === 1, { message: 'pod-a to step down' });
    cut.remove();
  });

  it('takes back at once a Lease that still names it (a restarted pod)', async () => {
    const name = `mine-${randomSuffix()}`;
    await heldBy(name, 'pod-a', new Date(), 60);
    const a = candidate(name, 'pod-a', { leaseDurationSeconds: 60, renewDeadlineSeconds: 40, retryPeriodSeconds: 0.2 });
    await a.elector.start();
    await leads(a);
    expect((await readLease(name)).spec.leaseTransitions).toBe(3);
  });
});
