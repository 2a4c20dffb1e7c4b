/**
 * HTTPS on the webhook port, against real zen-watcher processes: the certificate from a
 * kubernetes.io/tls Secret (cluster mode) or from files (local mode), a renewal served without a
 * restart, mTLS refusing clients without a certificate of the configured CA, and probes and
 * /metrics on the plain ops port. Certificates: test/webhook-auth/tls (generate.sh).
 */
import { copyFileSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';
import { ZenWatcherProcess, freePort } from '../harness/zen-watcher-process.ts';
import { httpsPost, tlsSecret } from './https-client.ts';

const TLS_DIR = join(import.meta.dirname, 'tls');
const event = (title: string) => ({ title, severity: 'high' });
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (err: Error & { code?: string }) => err.code ?? err.message);

describe('webhook TLS in cluster mode (real process, certificate from a Secret)', () => {
  let cluster: ZenCluster;
  let pod: ZenWatcherProcess;
  const path = () => `/ingest/${cluster.namespace}/hooks`;

  beforeAll(async () => {
    cluster = await ZenCluster.start({ replicas: 0 });
    const core = cluster.core();
    await core.createNamespacedSecret({ namespace: cluster.namespace, body: tlsSecret('webhook-tls', 'server-a') });
    await core.createNamespacedSecret({ namespace: cluster.namespace, body: { metadata: { name: 'clients-ca' }, stringData: { 'ca.crt': readFileSync(join(TLS_DIR, 'ca.crt'), 'utf8') } } });
    pod = await cluster.add('zw-tls', { TLS_SECRET_NAME: 'webhook-tls', OPS_PORT: String(await freePort()) });
    await cluster.applyIngester('hooks', { source: 'webhook' });
    await cluster.ingesterReady('hooks', 'True', 'Accepted');
  }, 60_000);
  afterAll(async () => cluster?.stop());

  it('serves webhooks over HTTPS with the Secret’s certificate, and no plain HTTP on that port', async () => {
    const res = await waitFor('the route over HTTPS', async () => {
      const r = await httpsPost(pod.port, path(), event('over tls'));
      return r.status === 200 ? r : undefined;
    });
    expect(res.served).toBe('zw-webhook-a');
    expect(JSON.parse(res.body)).toMatchObject({ received: 1, created: 1 });
    const plain = await fetch(`http://127.0.0.1:${pod.port}${path()}`, { method: 'POST', body: '{}' }).then((r) => r.status, () => 'refused');
    expect(plain).not.toBe(200);
  });

  it('keeps probes and /metrics on the plain ops port, which serves no webhook', async () => {
    expect((await fetch(`${pod.probeUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${pod.probeUrl}/readyz`)).status).toBe(200);
    expect(await pod.metric('zen_watcher_webhook_tls_reloads_total', { result: 'loaded' })).toBe(1);
    expect(await pod.metric('zen_watcher_webhook_tls_certificate_expiry_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 + 50 * 365 * 86400);
    const ingest = await fetch(`${pod.probeUrl}${path()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event('in clear')) });
    expect(ingest.status).toBe(404);
  });

  it('serves a renewed certificate once the Secret changes, without a restart', async () => {
    const pid = pod.child!.pid;
    await cluster.core().replaceNamespacedSecret({ name: 'webhook-tls', namespace: cluster.namespace, body: tlsSecret('webhook-tls', 'server-b') });
    const renewed = await waitFor('the renewed certificate', async () => {
      const r = await httpsPost(pod.port, path(), event('after renewal'));
      return r.served === 'zw-webhook-b' ? r : undefined;
    });
    expect(renewed.status).toBe(200);
    expect(pod.child!.pid).toBe(pid);
    expect(pod.running).toBe(true);
    expect(pod.logged('TLS certificate loaded').map((l) => l.subject)).toEqual(['CN=zw-webhook-a', 'CN=zw-webhook-b']);
  });

  it('keeps serving the current certificate when the Secret gets an invalid one', async () => {
    const bad = tlsSecret('webhook-tls', 'server-b');
    bad.stringData['tls.key'] = readFileSync(join(TLS_DIR, 'server-a.key'), 'utf8'); // not server-b's key
    await cluster.core().replaceNamespacedSecret({ name: 'webhook-tls', namespace: cluster.namespace, body: bad });
    await waitFor('the refusal', async () => (await pod.metric('zen_watcher_webhook_tls_reloads_total', { result: 'invalid' })) === 1);
    const r = await httpsPost(pod.port, path(), event('still served'));
    expect([r.status, r.served]).toEqual([200, 'zw-webhook-b']);
    await cluster.core().replaceNamespacedSecret({ name: 'webhook-tls', namespace: cluster.namespace, body: tlsSecret('webhook-tls', 'server-b') });
  });

  it('with a client CA (mTLS), refuses clients without a certificate or with one of another CA', async () => {
    const mtls = await cluster.add('zw-mtls', { TLS_SECRET_NAME: 'webhook-tls', TLS_CLIENT_CA_SECRET_NAME: 'clients-ca', OPS_PORT: String(await freePort()) });
    await waitFor('the route over mTLS', async () => (await httpsPost(mtls.port, path(), event('mtls'), { identity: 'client' })).status === 200);
    // TLS 1.3: the server's alert reaches the client as the handshake's error.
    expect(await errorOf(httpsPost(mtls.port, path(), event('anonymous')))).toMatch(/^(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|ECONNRESET)$/);
    expect(await errorOf(httpsPost(mtls.port, path(), event('rogue'), { identity: 'rogue-client' }))).toMatch(/^(ECONNRESET|ERR_SSL_.*(UNKNOWN_CA|BAD_CERTIFICATE|DECRYPT_ERROR))$/);
    // Probes and Prometheus need no client certificate: the ops port is plain HTTP.
    expect((await fetch(`${mtls.probeUrl}/readyz`)).status).toBe(200);
    expect(await mtls.metric('zen_watcher_webhook_tls_reloads_total', { result: 'loaded' })).toBe(1);
  });

  it('is not ready while its TLS Secret is missing, and becomes ready when it appears', async () => {
    const late = await cluster.add('zw-late', { TLS_SECRET_NAME: 'not-issued-yet', OPS_PORT: String(await freePort()) }, false);
    await late.start();
    const waiting = await waitFor('readyz to name the Secret', async () => {
      const r = await fetch(`${late.probeUrl}/readyz`);
      const body = (await r.json()) as { waitingFor: string[] };
      return r.status === 503 && body.waitingFor.some((w) => w.includes('not-issued-yet')) ? body : undefined;
    });
    expect(waiting.waitingFor.join()).toContain(`Secret ${cluster.namespace}/not-issued-yet with tls.crt and tls.key`);
    await cluster.core().createNamespacedSecret({ namespace: cluster.namespace, body: tlsSecret('not-issued-yet', 'server-a') });
    await late.ready();
    expect((await httpsPost(late.port, path(), event('late'))).status).toBe(200);
  });
});

describe('webhook TLS in local mode (real process, certificate from files)', () => {
  let proc: ZenWatcherProcess | undefined;
  afterEach(async () => {
    if (proc?.running) await proc.stop('SIGKILL');
  });

  it('serves HTTPS from TLS_CERT_FILE/TLS_KEY_FILE and picks up new files without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-tls-'));
    const install = (stem: string) => {
      // As a kubelet updates a mounted Secret: new files moved into place.
      for (const ext of ['crt', 'key']) {
        copyFileSync(join(TLS_DIR, `${stem}.${ext}`), join(dir, `next.${ext}`));
        renameSync(join(dir, `next.${ext}`), join(dir, `tls.${ext}`));
      }
    };
    install('server-a');
    proc = new ZenWatcherProcess({
      name: 'local-tls',
      env: { ZW_MODE: 'local', OUTPUT_FILE: join(dir, 'observations.jsonl'), TLS_CERT_FILE: join(dir, 'tls.crt'), TLS_KEY_FILE: join(dir, 'tls.key'), OPS_PORT: String(await freePort()) },
    });
    await proc.start();
    await proc.ready();
    const first = await httpsPost(proc.port, '/ingest/webhook', event('local over tls'));
    expect([first.status, first.served]).toEqual([200, 'zw-webhook-a']);
    install('server-b');
    await waitFor('the new files to be served', async () => (await httpsPost(proc!.port, '/ingest/webhook', event('renewed'))).served === 'zw-webhook-b');
    expect(readFileSync(join(dir, 'observations.jsonl'), 'utf8')).toContain('local over tls');
  });

  it('refuses to start with a Secret in local mode, naming the file settings to use instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zw-tls-'));
    proc = new ZenWatcherProcess({ name: 'local-bad', env: { ZW_MODE: 'local', OUTPUT_FILE: join(dir, 'o.jsonl'), TLS_SECRET_NAME: 'webhook-tls' } });
    await expect(proc.start()).rejects.toThrow(/needs cluster mode: in local mode use TLS_CERT_FILE, TLS_KEY_FILE/);
  });
});
