import type { InformerEventType, KubeObject, WatchedResource } from '@zen-watcher/sdk';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fakeOnly, testTarget, waitFor, type TestTarget } from '../../../test/kube-api/index.ts';
import { KubeHttp } from '../kube/kube-http.js';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { InformerRunner } from './informer-runner.js';

// A resync (partitions just taken over) runs beside the watch: the watch goes on handing on
// other objects' events, and a listed object the watch has since seen changed or deleted is not
// handed on in its older state. Against the test API server (or ZW_TEST_KUBECONFIG's cluster).

let target: TestTarget;
let http: KubeHttp;
beforeAll(async () => {
  target = await testTarget({ namespacePrefix: 'zw-runner' });
  http = new KubeHttp(target.kc, { qps: 1000, burst: 1000 });
});
afterAll(() => target?.cleanup());

const CONFIGMAPS: WatchedResource = { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', labelSelector: 'zw-runner-test=1' };
const path = () => `/api/v1/namespaces/${target.namespace}/configmaps`;
const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { 'zw-runner-test': '1' } }, data });

interface Delivery {
  type: InformerEventType;
  name: string;
  value?: string;
  sync: boolean;
}

it('a resync runs beside the watch and never hands on a listed object older than what the watch saw since', async () => {
  for (const name of ['a-block-1', 'a-block-2', 'b-update', 'd-delete']) await http.request({ method: 'POST', path: path(), body: configMap(name, { v: 'listed' }) });
  const delivered: Delivery[] = [];
  let unblock!: () => void;
  const blocked = new Promise<void>((r) => (unblock = r));
  let synced = false;
  const abort = new AbortController();
  const runner = new InformerRunner({
    http,
    options: { source: 'test', resource: CONFIGMAPS, namespace: target.namespace, stallSeconds: 60, concurrency: 2, pageSize: 10 },
    handle: async (type: InformerEventType, obj: KubeObject, sync: boolean) => {
      const name = obj.metadata?.name ?? '';
      delivered.push({ type, name, value: (obj as { data?: { v?: string } }).data?.v, sync });
      // The resync's first objects wait until the test lets them go; the resync is stuck behind
      // them (as behind a big report's writes), with as many as there are callback places.
      if (synced && sync && name.startsWith('a-block')) await blocked;
      return 'done';
    },
    metrics: createHostMetrics({ defaultMetrics: false }),
    log: pino({ level: 'silent' }),
    onSynced: () => (synced = true),
  });
  runner.start(abort.signal);
  try {
    await waitFor(() => synced && delivered.length === 4, { message: 'the first list', timeoutMs: 10_000 });
    // Let the watch start before the resync is asked for.
    await new Promise((r) => setTimeout(r, 300));
    delivered.length = 0;
    let resynced = false;
    const resync = runner.resync(() => true).then(() => (resynced = true));
    await waitFor(() => delivered.some((d) => d.sync && d.name === 'a-block-1'), { message: 'the resync to reach the blocked object', timeoutMs: 10_000 });

    // While the resync is stuck, the watch goes on: a new object, a change and a deletion arrive.
    await http.request({ method: 'POST', path: path(), body: configMap('c-new', { v: 'new' }) });
    await http.request({ method: 'PATCH', path: `${path()}/b-update`, contentType: 'application/merge-patch+json', body: { data: { v: 'changed' } } });
    await http.request({ method: 'DELETE', path: `${path()}/d-delete` });
    await waitFor(() => ['c-new', 'b-update', 'd-delete'].every((n) => delivered.some((d) => !d.sync && d.name === n)), { message: 'the watch\'s events during the resync', timeoutMs: 10_000 });
    expect(resynced).toBe(false);
    expect(delivered.filter((d) => !d.sync).map((d) => [d.type, d.name, d.value])).toEqual([
      ['add', 'c-new', 'new'],
      ['update', 'b-update', 'changed'],
      ['delete', 'd-delete', 'listed'],
    ]);

    unblock();
    await resync;
    // The resync's list was read before the change and the deletion: neither old state comes back.
    const afterWatch = delivered.slice(delivered.findIndex((d) => !d.sync));
    expect(afterWatch.filter((d) => d.sync && d.name === 'b-update' && d.value === 'listed')).toEqual([]);
    expect(afterWatch.filter((d) => d.sync && d.name === 'd-delete')).toEqual([]);
  } finally {
    unblock();
    abort.abort();
    await runner.stop();
  }
});

it.skipIf(fakeOnly('holds a watch\'s events back (test server fault)'))('a watch behind the resync\'s list does not hand on its older events of an object after the resync', async () => {
  await http.request({ method: 'POST', path: path(), body: configMap('e-ahead', { v: 'first' }) });
  const delivered: Delivery[] = [];
  let synced = false;
  const abort = new AbortController();
  const accept = (obj: KubeObject) => obj.metadata?.name === 'e-ahead';
  const runner = new InformerRunner({
    http,
    options: { source: 'test', resource: CONFIGMAPS, namespace: target.namespace, stallSeconds: 60, concurrency: 2, pageSize: 10 },
    handle: async (type: InformerEventType, obj: KubeObject, sync: boolean) => {
      if (accept(obj)) delivered.push({ type, name: obj.metadata?.name ?? '', value: (obj as { data?: { v?: string } }).data?.v, sync });
      return 'done';
    },
    metrics: createHostMetrics({ defaultMetrics: false }),
    log: pino({ level: 'silent' }),
    onSynced: () => (synced = true),
  });
  runner.start(abort.signal);
  try {
    await waitFor(() => synced && delivered.some((d) => d.value === 'first'), { message: 'the first list', timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    // The watch falls behind: two changes are held back while the resync lists the newest.
    target.api!.faults.freezeWatches();
    for (const v of ['middle', 'newest']) await http.request({ method: 'PATCH', path: `${path()}/e-ahead`, contentType: 'application/merge-patch+json', body: { data: { v } } });
    await runner.resync(accept);
    expect(delivered.at(-1)).toEqual({ type: 'sync', name: 'e-ahead', value: 'newest', sync: true });
    target.api!.faults.unfreezeWatches();
    // A later change shows the watch has caught up; what it held back in between is not handed on.
    await http.request({ method: 'PATCH', path: `${path()}/e-ahead`, contentType: 'application/merge-patch+json', body: { data: { v: 'later' } } });
    await waitFor(() => delivered.some((d) => d.value === 'later'), { message: 'the later change', timeoutMs: 10_000 });
    expect(delivered.slice(delivered.findIndex((d) => d.value === 'newest')).map((d) => [d.type, d.value])).toEqual([
      ['sync', 'newest'],
      ['update', 'later'],
    ]);
  } finally {
    target.api?.faults.clear();
    abort.abort();
    await runner.stop();
  }
});
