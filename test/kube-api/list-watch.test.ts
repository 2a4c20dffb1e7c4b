import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import { rawRequest } from './raw-client.ts';
import type { TestTarget } from './target.ts';
import { testTarget } from './target.ts';
import { waitFor } from './wait-for.ts';

let target: TestTarget;
let core: k8s.CoreV1Api;
let ns: string;

beforeAll(async () => {
  target = await testTarget({ api: { bookmarkIntervalMs: 100 } });
  core = target.kc.makeApiClient(k8s.CoreV1Api);
  ns = target.namespace;
});
afterAll(() => target?.cleanup());

interface Seen {
  type: string;
  name: string;
  rv: string;
  obj: Record<string, any>;
}

/** Starts a watch and collects its events until stopped. */
async function collect(path: string, params: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; done: Promise<unknown>; stop(): void }> {
  const events: Seen[] = [];
  let finish: (v: unknown) => void = () => {};
  const done = new Promise((r) => (finish = r));
  const ctl = await new k8s.Watch(target.kc).watch(
    path,
    params,
    (type, obj) => events.push({ type, name: obj?.metadata?.name, rv: obj?.metadata?.resourceVersion, obj }),
    (err) => finish(err ?? null),
  );
  return { events, done, stop: () => ctl.abort() };
}

describe('list', () => {
  it('lists in key order with a resourceVersion, across namespaces too', async () => {
    for (const n of ['b', 'a', 'c']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `list-${n}`, labels: { set: 'list' } } } });
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=list' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['list-a', 'list-b', 'list-c']);
    expect(list.metadata?.resourceVersion).toMatch(/^\d+$/);
    const all = await core.listConfigMapForAllNamespaces({ labelSelector: 'set=list' });
    expect(all.items).toHaveLength(3);
  });

  it('pages with limit/continue over a consistent snapshot', async () => {
    for (let i = 0; i < 5; i++) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `page-${i}`, labels: { set: 'page' } } } });
    const first = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=page', limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['page-0', 'page-1']);
    expect(first.metadata?._continue).toBeTruthy();
    await core.deleteNamespacedConfigMap({ name: 'page-3', namespace: ns });
    const second = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=page', limit: 2, _continue: first.metadata!._continue });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['page-2', 'page-3']);
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const third = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=page', limit: 2, _continue: second.metadata!._continue });
    expect(third.items.map((i) => i.metadata?.name)).toEqual(['page-4']);
    expect(third.metadata?._continue).toBeFalsy();
  });

  it.each([
    ['tier in (web,db)', ['sel-db', 'sel-web']],
    ['tier notin (web)', ['sel-db', 'sel-none']],
    ['tier', ['sel-db', 'sel-web']],
    ['!tier', ['sel-none']],
    ['tier!=db', ['sel-none', 'sel-web']],
    ['tier==web', ['sel-web']],
  ])('selects labels %s', async (selector, want) => {
    if (!(await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=sel' })).items.length) {
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'sel-web', labels: { set: 'sel', tier: 'web' } } } });
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'sel-db', labels: { set: 'sel', tier: 'db' } } } });
      await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'sel-none', labels: { set: 'sel' } } } });
    }
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: `set=sel,${selector}` });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(want);
  });

  it('serves an exact older resourceVersion from history', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'exact-1', labels: { set: 'exact' } } } });
    const then = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=exact' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'exact-2', labels: { set: 'exact' } } } });
    await core.replaceNamespacedConfigMap({ name: 'exact-1', namespace: ns, body: { metadata: { name: 'exact-1', labels: { set: 'exact' } }, data: { v: '2' } } });
    const old = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=exact', resourceVersion: then.metadata!.resourceVersion, resourceVersionMatch: 'Exact' });
    expect(old.metadata?.resourceVersion).toBe(then.metadata?.resourceVersion);
    expect(old.items.map((i) => [i.metadata?.name, i.data])).toEqual([['exact-1', undefined]]);
    const f = await apiFailure(core.listNamespacedConfigMap({ namespace: ns, resourceVersionMatch: 'Exact' }));
    expect(f.code).toBe(422);
    expect(f.status.message).toBe('ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
  });

  it('answers kubectl-style Table requests with the real columns', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const res = await rawRequest(target.kc, 'GET', `/api/v1/namespaces/${ns}/configmaps?labelSelector=set%3Dlist`, undefined, 'application/json', accept);
    const table = res.json();
    expect(table.kind).toBe('Table');
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 2))).toEqual([['list-a', 0], ['list-b', 0], ['list-c', 0]]);
    expect(table.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'list-a' } });
  });

  it('selects fields and refuses unknown field labels', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=list-b' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['list-b']);
    const not = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=list', fieldSelector: 'metadata.name!=list-b' });
    expect(not.items.map((i) => i.metadata?.name)).toEqual(['list-a', 'list-c']);
    const f = await apiFailure(core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.x=1' }));
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe('BadRequest');
  });
});

describe('watch', () => {
  it('sends ADDED for existing objects, then changes in order, then DELETED', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w-1', labels: { set: 'w' } } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'set=w' });
    await waitFor(() => w.events.length === 1);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'w-2', labels: { set: 'w' } } } });
    await core.patchNamespacedConfigMap({ name: 'w-1', namespace: ns, body: { data: { a: '1' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const del = await core.deleteNamespacedConfigMap({ name: 'w-2', namespace: ns });
    expect(del).toBeTruthy();
    await waitFor(() => w.events.length === 4);
    w.stop();
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED w-1', 'ADDED w-2', 'MODIFIED w-1', 'DELETED w-2']);
    const rvs = w.events.slice(1).map((e) => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(w.events[1].obj.kind).toBe('ConfigMap');
  });

  it('resumes from a resourceVersion with the events after it', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=resume' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'r-1', labels: { set: 'resume' } } } });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'r-2', labels: { set: 'resume' } } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'set=resume', resourceVersion: list.metadata!.resourceVersion });
    await waitFor(() => w.events.length === 2);
    w.stop();
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED r-1', 'ADDED r-2']);
  });

  it('sends DELETED when an object leaves the selection and ADDED when it enters', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mv', labels: { set: 'move', phase: 'in' } } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'set=move,phase=in' });
    await waitFor(() => w.events.length === 1);
    const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
    const out = await core.patchNamespacedConfigMap({ name: 'mv', namespace: ns, body: { metadata: { labels: { phase: 'out' } } } }, merge);
    await core.patchNamespacedConfigMap({ name: 'mv', namespace: ns, body: { metadata: { labels: { phase: 'in' } } } }, merge);
    await waitFor(() => w.events.length === 3);
    w.stop();
    expect(w.events.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
    expect(w.events[1].rv).toBe(out.metadata?.resourceVersion);
    expect(w.events[1].obj.metadata.labels.phase).toBe('in');
  });

  it('sends bookmarks carrying only a resourceVersion when asked', async () => {
    // A real apiserver sends one about a minute apart and 2 s before the deadline: 5 s keeps this quick there too.
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: 'set=none', allowWatchBookmarks: true, resourceVersion: '0', timeoutSeconds: 5 });
    await waitFor(() => w.events.some((e) => e.type === 'BOOKMARK'), { timeoutMs: 6000 });
    w.stop();
    const b = w.events.find((e) => e.type === 'BOOKMARK')!;
    expect(b.obj.kind).toBe('ConfigMap');
    expect(b.obj.apiVersion).toBe('v1');
    expect(b.obj.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(b.obj.metadata.name).toBeUndefined();
  });

  it('closes the stream after timeoutSeconds', async () => {
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 1, labelSelector: 'set=none' });
    const err = await w.done;
    expect(err).toBeNull();
  });

  it('watches a single object by field selector', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'single' } } });
    const w = await collect(`/api/v1/namespaces/${ns}/configmaps`, { fieldSelector: 'metadata.name=single' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'single-other' } } });
    await core.patchNamespacedConfigMap({ name: 'single', namespace: ns, body: { data: { a: 'b' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await waitFor(() => w.events.length === 2);
    w.stop();
    expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED single', 'MODIFIED single']);
  });
});

describe('informer', () => {
  it('lists, then follows changes', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const informer = k8s.makeInformer(target.kc, path, () => core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'set=inf' }), 'set=inf');
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf-1', labels: { set: 'inf' } } } });
    await informer.start();
    await waitFor(() => seen.length === 1);
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'inf-2', labels: { set: 'inf' } } } });
    await core.replaceNamespacedConfigMap({ name: 'inf-1', namespace: ns, body: { metadata: { name: 'inf-1', labels: { set: 'inf' } }, data: { x: 'y' } } });
    await core.deleteNamespacedConfigMap({ name: 'inf-2', namespace: ns });
    await waitFor(() => seen.length === 4);
    await informer.stop();
    expect(seen).toEqual(['add inf-1', 'add inf-2', 'update inf-1', 'delete inf-2']);
    expect(informer.list(ns).map((o) => o.metadata?.name)).toEqual(['inf-1']);
  });
});
