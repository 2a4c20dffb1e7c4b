/**
 * Signature schemes as configuration, against a real zen-watcher process in cluster mode: each
 * sender's own format (GitHub, Stripe, Slack, GitLab, Alertmanager's basic auth) is checked by
 * the host on the raw body, with Secrets read from the API server and rotated without a restart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CM_WATCH_PLUGIN, ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import type { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { basic, github, gitlab, nowSeconds, slack, stripe } from './senders.ts';

const HEADER_ECHO = join(import.meta.dirname, 'fixtures', 'header-echo');
const ALERTMANAGER = readFileSync(join(import.meta.dirname, '..', '..', 'plugins', 'webhook', 'test', 'fixtures', 'alertmanager-v4-firing-high-memory.json'), 'utf8');

let cluster: ZenCluster;
let pod: ZenWatcherProcess;
const path = (ingester: string) => `/ingest/${cluster.namespace}/${ingester}`;

// A GitHub secret-scanning delivery, shaped as GitHub sends one (only the fields used here).
const delivery = (n: number) => JSON.stringify({ action: 'created', alert: { number: n, secret_type: 'github_personal_access_token', state: 'open' }, repository: { full_name: 'octo-org/shop' } });
const githubHeaders = { 'x-github-event': 'secret_scanning_alert', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', 'user-agent': 'GitHub-Hookshot/044aadd' };

async function post(ingester: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await pod.post(path(ingester), body, headers);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

const SENDER_SECRETS = { github: 'gh-secret-1', stripe: 'whsec_test_1', slack: 'slack-signing-1', gitlab: 'gitlab-token-1' };
const titles = async () => new Set((await cluster.observations()).map((o) => o.spec.title));

beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 1, env: { PLUGINS: `${CM_WATCH_PLUGIN},${HEADER_ECHO}` } });
  pod = await cluster.leader();
  const core = cluster.core();
  await core.createNamespacedSecret({ namespace: cluster.namespace, body: { metadata: { name: 'senders' }, stringData: SENDER_SECRETS } });
  await core.createNamespacedSecret({ namespace: cluster.namespace, body: { metadata: { name: 'alertmanager' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'alertmanager', password: 'am-password-1' } } });
  const ref = (key: string) => ({ name: 'senders', key });
  const ingesters: [string, Record<string, unknown>][] = [
    ['github', { source: 'webhook', config: { title: '{{repository.full_name}}: {{alert.secret_type}} #{{alert.number}}' }, webhook: { auth: { type: 'hmac', preset: 'github', secretRef: ref('github') } } }],
    ['stripe', { source: 'webhook', webhook: { auth: { type: 'hmac', preset: 'stripe', toleranceSeconds: 300, secretRef: ref('stripe') } } }],
    ['slack', { source: 'webhook', webhook: { auth: { type: 'hmac', preset: 'slack', secretRef: ref('slack') } } }],
    ['gitlab', { source: 'webhook', webhook: { auth: { type: 'token', header: 'X-Gitlab-Token', secretRef: ref('gitlab') } } }],
    ['alertmanager', { source: 'webhook', config: { itemsPath: 'alerts', title: '{{labels.alertname}} on {{labels.instance}}' }, webhook: { auth: { type: 'basic', secretRef: { name: 'alertmanager', key: 'password' } } } }],
    ['echo', { source: 'header-echo', webhook: { auth: { type: 'hmac', preset: 'github', secretRef: ref('github') } } }],
  ];
  for (const [name, spec] of ingesters) await cluster.applyIngester(name, spec);
  for (const [name] of ingesters) {
    await cluster.ingesterReady(name, 'True', 'Accepted');
    await waitFor(`the route of ${name}`, async () => (await pod.post(path(name), '{}')).status === 401);
  }
}, 90_000);
afterAll(async () => cluster?.stop());

describe('webhook signature schemes (real process)', () => {
  it('GitHub: a signed delivery is accepted; a tampered one, or one signed with another secret, is refused with 401', async () => {
    const body = delivery(42);
    const ok = await post('github', body, { ...githubHeaders, ...github('gh-secret-1', body) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ received: 1, created: 1 });
    await waitFor('the Observation', async () => (await titles()).has('octo-org/shop: github_personal_access_token #42'));

    const tampered = body.replace('"number":42', '"number":43');
    const refused = await post('github', tampered, { ...githubHeaders, ...github('gh-secret-1', body) });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'Unauthorized', reason: 'bad_signature' });
    expect(refused.headers.get('www-authenticate')).toBe('HMAC-SHA256');
    expect((await post('github', body, { ...githubHeaders, ...github('another-secret', body) })).status).toBe(401);
    expect((await post('github', body, githubHeaders)).body).toMatchObject({ reason: 'missing_credentials' });
    expect(await titles()).not.toContain('octo-org/shop: github_personal_access_token #43');
    expect(await pod.metric('zen_watcher_webhook_auth_failures_total', { reason: 'bad_signature' })).toBeGreaterThanOrEqual(2);
  });

  it('GitHub: a new secret in the Secret applies without a restart, and the old one stops working', async () => {
    await cluster.core().replaceNamespacedSecret({ name: 'senders', namespace: cluster.namespace, body: { metadata: { name: 'senders' }, stringData: { ...SENDER_SECRETS, github: 'gh-secret-2' } } });
    const body = delivery(44);
    await waitFor('the rotated secret', async () => (await post('github', body, { ...githubHeaders, ...github('gh-secret-2', body) })).status === 200);
    expect((await post('github', delivery(45), { ...githubHeaders, ...github('gh-secret-1', delivery(45)) })).status).toBe(401);
  });

  it('Stripe: a signature within the tolerance is accepted (either v1 during a secret roll); one outside it is refused', async () => {
    const body = JSON.stringify({ id: 'evt_1', type: 'charge.dispute.created', title: 'dispute opened' });
    expect((await post('stripe', body, stripe(['whsec_test_1'], body))).status).toBe(200);
    expect((await post('stripe', body, stripe(['whsec_old', 'whsec_test_1'], body, nowSeconds() - 200))).status).toBe(200);
    const stale = await post('stripe', body, stripe(['whsec_test_1'], body, nowSeconds() - 301));
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ reason: 'stale_timestamp' });
    expect((await post('stripe', body, stripe(['whsec_test_1'], body, nowSeconds() + 400))).body).toMatchObject({ reason: 'stale_timestamp' });
    expect((await post('stripe', `${body} `, stripe(['whsec_test_1'], body))).body).toMatchObject({ reason: 'bad_signature' });
  });

  it('Slack: v0 signatures over v0:<ts>:<body> are accepted, and refused when the timestamp is old', async () => {
    const body = JSON.stringify({ type: 'event_callback', title: 'slack event' });
    expect((await post('slack', body, slack('slack-signing-1', body))).status).toBe(200);
    expect((await post('slack', body, slack('slack-signing-1', body, nowSeconds() - 600))).body).toMatchObject({ reason: 'stale_timestamp' });
    expect((await post('slack', body, slack('wrong', body))).body).toMatchObject({ reason: 'bad_signature' });
  });

  it('GitLab: the token in X-Gitlab-Token is accepted; a wrong or missing one is refused', async () => {
    const body = JSON.stringify({ object_kind: 'pipeline', title: 'pipeline failed on main' });
    expect((await post('gitlab', body, { 'x-gitlab-event': 'Pipeline Hook', ...gitlab('gitlab-token-1') })).status).toBe(200);
    const wrong = await post('gitlab', body, gitlab('gitlab-token-2'));
    expect(wrong).toMatchObject({ status: 401, body: { reason: 'bad_token' } });
    expect(wrong.headers.get('www-authenticate')).toBe('Token header="X-Gitlab-Token"');
    expect((await post('gitlab', body, {})).body).toMatchObject({ reason: 'missing_credentials' });
  });

  it("Alertmanager's basic_auth: the user name and password of a kubernetes.io/basic-auth Secret", async () => {
    const ok = await post('alertmanager', ALERTMANAGER, basic('alertmanager', 'am-password-1'));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    await waitFor('the alert as an Observation', async () => (await titles()).has('high_memory_load on instance-with-hyphen_and_underscore'));
    const wrong = await post('alertmanager', ALERTMANAGER, basic('alertmanager', 'guess'));
    expect(wrong).toMatchObject({ status: 401, body: { reason: 'bad_token' } });
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic realm="zen-watcher"/);
    expect((await post('alertmanager', ALERTMANAGER, basic('admin', 'am-password-1'))).status).toBe(401);
  });

  it('hands the plugin no credential header of any scheme', async () => {
    const body = JSON.stringify({ title: 'echo headers' });
    const sent = {
      ...githubHeaders,
      ...github('gh-secret-2', body),
      'x-hub-signature': 'sha1=0000',
      authorization: 'Bearer not-for-plugins',
      'x-gitlab-token': 'not-for-plugins',
      'stripe-signature': 't=1,v1=00',
      'x-slack-signature': 'v0=00',
      'x-zen-signature': 'sha256=00',
    };
    expect((await post('echo', body, sent)).status).toBe(200);
    const obs = await waitFor('the echo Observation', async () => (await cluster.observations()).find((o) => o.spec.title === 'echo headers'));
    const seen = (obs.spec as { details?: { headers?: string[] } }).details?.headers ?? [];
    expect(seen).toEqual(expect.arrayContaining(['x-github-event', 'x-github-delivery', 'content-type']));
    for (const h of ['authorization', 'x-hub-signature', 'x-hub-signature-256', 'x-gitlab-token', 'stripe-signature', 'x-slack-signature', 'x-zen-signature']) expect(seen).not.toContain(h);
  });
});
