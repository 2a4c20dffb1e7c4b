import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { dirname, join } from 'node:path';
import { CM_WATCH_PLUGIN, ZenCluster } from '../harness/cluster.ts';
import { createCrd, deleteCrd, randomSuffix } from '../kube-api/target.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';

// A plugin that watches the custom resource its config names, for a CRD group of this run's own.
const CR_WATCH_PLUGIN = join(dirname(CM_WATCH_PLUGIN), 'cr-watch');
const reportGroup = `zen${randomSuffix()}.test.kube-zen.io`;

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 1, env: { PLUGINS: `${CM_WATCH_PLUGIN},${CR_WATCH_PLUGIN}` } });
  pod = await cluster.leader();
}, 60_000);
afterAll(async () => {
  if (cluster) await deleteCrd(cluster.kc, `reports.${reportGroup}`);
  await cluster?.stop();
}, 90_000);

const event = (title: string) => ({ title, severity: 'high', namespace: 'shop' });
const statusOf = async (path: string, body: unknown = event('x'), headers: Record<string, string> = {}) => (await pod.post(path, body, headers)).status;

describe('Ingesters apply live', () => {
  it('create: the source serves at /ingest/<namespace>/<name> and the status says so', async () => {
    await cluster.applyIngester('hooks', { source: 'webhook' });
    const ing = await cluster.ingesterReady('hooks', 'True', 'Accepted');
    const path = `/ingest/${cluster.namespace}/hooks`;
    expect(ing.status?.webhookPath).toBe(path);
    await waitFor('the route', async () => (await statusOf(path)) === 200);
  });

  it('update: moving spec.webhook.path moves the route, and the generation is observed', async () => {
    await cluster.applyIngester('hooks', { source: 'webhook', webhook: { path: '/ingest/team-a/alerts' } });
    const ing = await cluster.ingesterReady('hooks', 'True');
    expect(ing.status?.webhookPath).toBe('/ingest/team-a/alerts');
    await waitFor('the new route', async () => (await statusOf('/ingest/team-a/alerts')) === 200);
    expect(await statusOf(`/ingest/${cluster.namespace}/hooks`)).toBe(404);
  });

  it('an invalid config is refused with a reason a person can act on, and the last valid spec keeps running', async () => {
    await cluster.applyIngester('hooks', { source: 'webhook', webhook: { path: '/ingest/team-a/alerts' }, config: { defaultSeverity: 'catastrophic' } });
    const ing = await cluster.ingesterReady('hooks', 'False', 'InvalidConfig');
    const message = ing.status!.conditions!.find((c) => c.type === 'Ready')!.message;
    expect(message).toContain('spec.config.defaultSeverity');
    expect(message).toMatch(/still running the last valid spec/);
    expect(await statusOf('/ingest/team-a/alerts')).toBe(200);
    await cluster.applyIngester('hooks', { source: 'webhook', webhook: { path: '/ingest/team-a/alerts' } });
    await cluster.ingesterReady('hooks', 'True', 'Accepted');
  });

  it('an unknown source is refused without touching the others', async () => {
    await cluster.applyIngester('mystery', { source: 'splunk' });
    const ing = await cluster.ingesterReady('mystery', 'False', 'UnknownSource');
    expect(ing.status!.conditions![0].message).toMatch(/no plugin named "splunk"; installed: .*falco/);
    expect(await statusOf('/ingest/team-a/alerts')).toBe(200);
  });

  it('a route conflict goes against the newer Ingester, which gets the path once it is freed', async () => {
    await cluster.applyIngester('copycat', { source: 'falco', webhook: { path: '/ingest/team-a/alerts' } });
    const ing = await cluster.ingesterReady('copycat', 'False', 'RouteConflict');
    expect(ing.status!.conditions![0].message).toContain(`${cluster.namespace}/hooks`);
    expect(await statusOf('/ingest/team-a/alerts')).toBe(200); // still the webhook source
    await cluster.deleteIngester('hooks');
    await cluster.ingesterReady('copycat', 'True', 'Accepted');
    // Now the falco source serves the path: a generic event is not a Falco alert.
    await waitFor('falco to serve the path', async () => (await statusOf('/ingest/team-a/alerts')) === 400);
  });

  it('delete: the route goes away', async () => {
    await cluster.deleteIngester('copycat');
    await waitFor('the route to go', async () => (await statusOf('/ingest/team-a/alerts')) === 404);
  });

  it('webhook auth: bearer and HMAC from a Secret, reloaded when the Secret changes; 401s are counted', async () => {
    const core = cluster.core();
    await core.createNamespacedSecret({ namespace: cluster.namespace, body: { metadata: { name: 'hook-auth' }, stringData: { token: 'first', key: 'hmac-key' } } });
    await cluster.applyIngester('secured', { source: 'webhook', webhook: { auth: { type: 'bearer', secretRef: { name: 'hook-auth', key: 'token' } } } });
    await cluster.applyIngester('signed', { source: 'webhook', webhook: { auth: { type: 'hmac', secretRef: { name: 'hook-auth', key: 'key' } } } });
    await cluster.ingesterReady('secured', 'True');
    await cluster.ingesterReady('signed', 'True');
    const bearerPath = `/ingest/${cluster.namespace}/secured`;
    await waitFor('the token to work', async () => (await statusOf(bearerPath, event('a'), { authorization: 'Bearer first' })) === 200);
    expect(await statusOf(bearerPath, event('a'))).toBe(401);
    expect(await statusOf(bearerPath, event('a'), { authorization: 'Bearer wrong' })).toBe(401);
    await core.replaceNamespacedSecret({ name: 'hook-auth', namespace: cluster.namespace, body: { metadata: { name: 'hook-auth' }, stringData: { token: 'second', key: 'hmac-key' } } });
    await waitFor('the rotated token to work', async () => (await statusOf(bearerPath, event('b'), { authorization: 'Bearer second' })) === 200);
    expect(await statusOf(bearerPath, event('b'), { authorization: 'Bearer first' })).toBe(401);

    const body = JSON.stringify(event('signed'));
    const ts = Math.floor(Date.now() / 1000);
    const sig = (t: number) => `sha256=${createHmac('sha256', 'hmac-key').update(`${t}.${body}`).digest('hex')}`;
    const signedPath = `/ingest/${cluster.namespace}/signed`;
    expect(await statusOf(signedPath, body, { 'x-zen-timestamp': String(ts), 'x-zen-signature': sig(ts) })).toBe(200);
    expect(await statusOf(signedPath, body, { 'x-zen-timestamp': String(ts - 3600), 'x-zen-signature': sig(ts - 3600) })).toBe(401);
    expect(await pod.metric('zen_watcher_webhook_auth_failures_total')).toBeGreaterThanOrEqual(3);
  });

  it('a webhook whose auth Secret is missing says SecretUnavailable, and recovers when it appears', async () => {
    await cluster.applyIngester('locked', { source: 'webhook', webhook: { auth: { type: 'bearer', secretRef: { name: 'not-yet', key: 'token' } } } });
    const ing = await cluster.ingesterReady('locked', 'False', 'SecretUnavailable');
    expect(ing.status!.conditions![0].message).toMatch(/Secret .*not-yet does not exist/);
    await cluster.core().createNamespacedSecret({ namespace: cluster.namespace, body: { metadata: { name: 'not-yet' }, stringData: { token: 't0ken' } } });
    await cluster.ingesterReady('locked', 'True', 'Accepted');
    expect(await statusOf(`/ingest/${cluster.namespace}/locked`, event('x'), { authorization: 'Bearer t0ken' })).toBe(200);
  });

  it('records Kubernetes Events on an Ingester as its Ready condition changes', async () => {
    const events = await waitFor('Events about the Ingester', async () => {
      const list = await cluster.core().listNamespacedEvent({ namespace: cluster.namespace });
      const mine = list.items.filter((e) => e.involvedObject.kind === 'Ingester' && e.involvedObject.name === 'locked');
      return mine.length >= 2 ? mine : undefined;
    });
    expect(events.map((e) => [e.type, e.reason])).toEqual(expect.arrayContaining([['Warning', 'SecretUnavailable'], ['Normal', 'Accepted']]));
  });

  it('an informer source whose CRD is not installed says ResourceNotInstalled, and starts once it is', async () => {
    const config = { group: reportGroup, version: 'v1alpha1', plural: 'reports', kind: 'Report' };
    await cluster.applyIngester('reports', { source: 'cr-watch', config });
    await cluster.ingesterReady('reports', 'False', 'ResourceNotInstalled');
    expect(pod.running).toBe(true);
    await createCrd(cluster.kc, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `reports.${reportGroup}` },
      spec: {
        group: reportGroup,
        scope: 'Namespaced',
        names: { kind: 'Report', plural: 'reports', singular: 'report', listKind: 'ReportList' },
        versions: [{ name: 'v1alpha1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    await cluster.ingesterReady('reports', 'True', 'Accepted', 30_000);
  });
});
