import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Server as HttpsServer, ServerOptions as HttpsOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { HostConfig } from '../../config/host-config.js';
import type { SecretReader } from '../webhook-auth.js';
import { certificateSource, type CertificateSource, type TlsMaterial } from './certificate-source.js';
import { clientCertificatesRequired, tlsEnabled } from '../../config/tls-config.js';

/** How often the certificate is looked at: cheap (a cache read, or a stat per file). */
const RELOAD_INTERVAL_MS = 1_000;
/** What the plain ops port serves: probes and metrics, never a webhook. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The host's listeners: PORT serves HTTPS when `webhook.tls` is set, its certificate reloaded
 * without a restart (`setSecureContext`) when the Secret or files change; and the optional plain
 * ops port (`opsPort`) serves /healthz, /readyz and /metrics only, so kubelet probes and
 * Prometheus keep working with mTLS on PORT and no credential ever crosses the plain port.
 */
export interface WebhookListeners {
  /** Fastify's `https` option; undefined when PORT serves plain HTTP. */
  readonly https?: HttpsOptions;
  /** What TLS still waits for before this pod can serve (readiness). */
  waitingFor(): string[];
  /** After the app listens: starts watching the certificate and listens on the ops port. */
  start(app: FastifyInstance, host: string): Promise<void>;
  close(): Promise<void>;
}

export interface ListenerDeps {
  secrets?: SecretReader;
  log: Logger;
  registry: Registry;
}

const fingerprint = (m: TlsMaterial) => createHash('sha256').update(m.cert).update('\0').update(m.key).update('\0').update(m.ca ?? '').digest('hex');

export function webhookListeners(config: HostConfig, deps: ListenerDeps): WebhookListeners {
  const tls = config.webhook.tls;
  const log = deps.log.child({ component: 'tls' });
  let ops: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  const withOps = {
    async startOps(app: FastifyInstance, host: string) {
      if (!config.opsPort) return;
      ops = createServer((req: IncomingMessage, res: ServerResponse) => {
        if (OPS_PATHS.has((req.url ?? '').split('?')[0])) return app.routing(req, res);
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"NotFound","message":"the ops port serves /healthz, /readyz and /metrics; webhooks are on PORT"}');
      });
      await new Promise<void>((resolve, reject) => ops!.once('error', reject).listen(config.opsPort, host, resolve));
      log.info({ port: config.opsPort }, 'ops port listening (probes and metrics)');
    },
    async close() {
      if (timer) clearInterval(timer);
      if (!ops) return;
      const closed = new Promise<void>((resolve) => ops!.close(() => resolve()));
      ops.closeAllConnections();
      await closed;
    },
  };
  if (!tlsEnabled(tls)) return { waitingFor: () => [], start: (app, host) => withOps.startOps(app, host), close: withOps.close };

  const source: CertificateSource = certificateSource(tls, config.podNamespace || 'default', deps.secrets);
  const mtls = clientCertificatesRequired(tls);
  const reloads = new Counter({ name: 'zen_watcher_webhook_tls_reloads_total', help: 'Certificates put in service on the webhook port (result="loaded"), or refused as invalid (result="invalid")', labelNames: ['result'], registers: [deps.registry] });
  const expiry = new Gauge({ name: 'zen_watcher_webhook_tls_certificate_expiry_timestamp_seconds', help: 'Unix time at which the certificate served on the webhook port expires', registers: [deps.registry] });
  let served: string | undefined;
  let refusedFingerprint: string | undefined;
  let problem = 'TLS certificate: not read yet';
  let server: HttpsServer | undefined;

  /** Puts `material` in service if it is new and valid; returns the options to serve it with. */
  const adopt = (material: TlsMaterial): HttpsOptions | undefined => {
    const fp = fingerprint(material);
    if (fp === served || fp === refusedFingerprint) return undefined;
    const options = { cert: material.cert, key: material.key, ca: material.ca };
    try {
      // Validates the PEM and that the key belongs to the certificate before anything is served.
      createSecureContext(options);
    } catch (err) {
      refusedFingerprint = fp;
      reloads.inc({ result: 'invalid' });
      problem = `TLS certificate is invalid: ${(err as Error).message}`;
      log.error({ err }, served ? 'renewed certificate is invalid; still serving the previous one' : 'TLS certificate is invalid');
      return undefined;
    }
    served = fp;
    refusedFingerprint = undefined;
    reloads.inc({ result: 'loaded' });
    const x509 = new X509Certificate(material.cert);
    expiry.set(Date.parse(x509.validTo) / 1000);
    log.info({ subject: x509.subject, validTo: x509.validTo, serial: x509.serialNumber, clientCertificates: mtls }, 'TLS certificate loaded');
    return options;
  };

  const poll = () => {
    const r = source.read();
    if (!r.ok) {
      problem = r.missing;
      return;
    }
    const options = adopt(r.value);
    if (options && server) server.setSecureContext(options);
  };

  // With the certificate at hand now (files, a Secret already cached) the server starts with it;
  // else TLS handshakes fail until it arrives, and readiness says what is missing.
  const initial = source.read();
  const options = initial.ok ? adopt(initial.value) : undefined;
  if (!initial.ok) problem = initial.missing;
  return {
    https: { ...options, requestCert: mtls, rejectUnauthorized: mtls },
    waitingFor: () => (served ? [] : [problem]),
    async start(app, host) {
      server = app.server as unknown as HttpsServer;
      poll();
      timer = setInterval(poll, RELOAD_INTERVAL_MS);
      timer.unref();
      await withOps.startOps(app, host);
    },
    close: withOps.close,
  };
}
