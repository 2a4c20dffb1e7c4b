import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOnly } from '../kube-api/target.ts';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

// A sender's patience: falcosidekick and most webhook clients give up well before this.
const SENDER_TIMEOUT_MS = 15_000;
const WRITE_TIMEOUT_SECONDS = 3;
const OUTAGE_MS = 20_000;

interface Answer {
  title: string;
  pod: number;
  startedAt: number;
  endedAt: number;
  status: number;
  retryAfter?: string;
}

let cluster: ZenCluster;
beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 2, env: { WEBHOOK_WRITE_TIMEOUT_SECONDS: String(WRITE_TIMEOUT_SECONDS) } });
  await cluster.applyIngester('hooks', { source: 'webhook' });
  await cluster.ingesterReady('hooks', 'True');
}, 90_000);
afterAll(async () => cluster?.stop());

describe.skipIf(fakeOnly('stops the API server: needs the test server'))('the API server goes away for 20 s under load', () => {
  it('answers every request promptly and honestly, writes each 2xx exactly once, and recovers at once', async () => {
    const api = cluster.target.api!;
    const path = `/ingest/${cluster.namespace}/hooks`;
    for (const p of cluster.processes) await waitFor(`the route on ${p.name}`, async () => (await p.post(path, { title: `warm-up-${p.name}` })).status === 200);

    const answers: Answer[] = [];
    let stopLoad = false;
    let n = 0;
    const sender = async (pod: number) => {
      while (!stopLoad) {
        const title = `alert-${n++}`;
        const startedAt = performance.now();
        const res = await cluster.processes[pod].post(path, { title, severity: 'high' }, {}, { timeoutMs: SENDER_TIMEOUT_MS }).catch(() => undefined);
        answers.push({ title, pod, startedAt, endedAt: performance.now(), status: res?.status ?? 0, retryAfter: res?.headers.get('retry-after') ?? undefined });
        // A sender told to wait does (briefly, so the test sees the whole outage).
        if (res && res.status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
    };
    const load = [sender(0), sender(0), sender(1), sender(1)];
    await new Promise((r) => setTimeout(r, 3000));
    const outageStart = performance.now();
    await api.stop();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await api.restart();
    const outageEnd = performance.now();
    await new Promise((r) => setTimeout(r, 8000));
    stopLoad = true;
    await Promise.all(load);

    // Every request got an answer, none took longer than the write timeout (plus slack), and none
    // was left to the sender's own timeout.
    expect(answers.filter((a) => a.status === 0)).toEqual([]);
    const slowest = Math.max(...answers.map((a) => a.endedAt - a.startedAt));
    expect(slowest).toBeLessThan(WRITE_TIMEOUT_SECONDS * 1000 + 2000);
    // During the outage the answers say "come back", with when.
    const during = answers.filter((a) => a.startedAt > outageStart + 1000 && a.endedAt < outageEnd);
    expect(during.length).toBeGreaterThan(20);
    expect(during.filter((a) => a.status === 200)).toEqual([]);
    for (const a of during) {
      expect(a.status).toBe(503);
      expect(Number(a.retryAfter)).toBeGreaterThan(0);
    }
    // The pods said so where people look.
    const ready = (await fetch(`${cluster.processes[0].url}/readyz`).then((r) => r.json())) as { status: string };
    expect(ready.status).toBe('ready'); // by now the API server is back
    expect(await cluster.processes[0].metric('zen_watcher_kube_api_unreachable_total')).toBeGreaterThanOrEqual(1);
    // Recovery: both pods acknowledge again within a few seconds of the API server's return.
    for (const pod of [0, 1]) {
      const firstOk = answers.find((a) => a.pod === pod && a.startedAt > outageEnd && a.status === 200);
      expect(firstOk, `pod ${pod} acknowledged nothing after the outage`).toBeDefined();
      expect(firstOk!.endedAt - outageEnd).toBeLessThan(5000);
    }

    // Every 2xx landed, exactly once; what was refused was (almost all) not written behind the
    // sender's back: only writes already on the wire when the server went away can be.
    const acked = answers.filter((a) => a.status === 200).map((a) => a.title);
    const refused = new Set(answers.filter((a) => a.status !== 200).map((a) => a.title));
    const observations = await waitFor('every acknowledged alert to be an Observation', async () => {
      const all = await cluster.observations();
      const titles = new Set(all.map((o) => o.spec.title));
      return acked.every((t) => titles.has(t)) ? all : undefined;
    }, { timeoutMs: 30_000 });
    const mine = observations.filter((o) => acked.includes(o.spec.title));
    expect(mine.filter((o) => (o.status?.count ?? 1) !== 1)).toEqual([]);
    const behindBack = observations.filter((o) => refused.has(o.spec.title));
    expect(behindBack.length).toBeLessThanOrEqual(4);
  }, 120_000);
});
