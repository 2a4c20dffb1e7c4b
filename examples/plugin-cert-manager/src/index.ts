/**
 * zen-watcher-plugin-cert-manager — cert-manager Certificates nearing expiry, expired, or not
 * Ready, as Observations. A third-party plugin: it depends on `@zen-watcher/sdk` only.
 *
 * @example
 * ```ts
 * import certManager from 'zen-watcher-plugin-cert-manager';
 * certManager.name; // 'cert-manager'
 * ```
 * @packageDocumentation
 */
import { definePlugin, type PluginContext } from '@zen-watcher/sdk';
import { readCertificate } from './certificate.js';
import { CERTIFICATES, CertManagerConfig, configProblems } from './config.js';
import { certificateFindings } from './findings.js';

export { CERTIFICATES, CertManagerConfig, configProblems } from './config.js';
export { readCertificate, type CertificateView, type Condition, type ReadResult } from './certificate.js';
export { certificateFindings, dedupKey, type FindingKind } from './findings.js';

function skipper(ctx: PluginContext<unknown>) {
  // The host hands back the same counter for the same name, so asking in a hook is cheap.
  const skipped = ctx.metrics.counter('skipped_total', 'Certificates, or fields of them, skipped because they were malformed', ['reason']);
  return (reason: string, certificate?: string): void => {
    skipped.inc({ reason });
    ctx.log.debug({ reason, certificate }, 'skipped malformed Certificate input');
  };
}

/**
 * The cert-manager source: an informer on `certificates.cert-manager.io/v1`. Certificates are
 * state (`semantics: 'state'`): every callback but `delete` returns every finding a Certificate
 * holds now, and the host writes only those it did not hold before. Expiry is judged when an
 * event arrives; hooks keep no timers.
 *
 * @example
 * ```yaml
 * apiVersion: zen.kube-zen.io/v1alpha1
 * kind: Ingester
 * metadata: { name: certificates, namespace: zen-system }
 * spec: { source: cert-manager, config: { warnDays: 21, criticalDays: 5 } }
 * ```
 */
const certManager = definePlugin({
  name: 'cert-manager',
  kind: 'informer',
  description: 'cert-manager Certificates nearing expiry, expired, or not Ready',
  semantics: 'state',
  config: CertManagerConfig,
  resources: [CERTIFICATES],
  start(ctx) {
    const problems = configProblems(ctx.config);
    if (problems.length > 0) throw new Error(`invalid config: ${problems.join('; ')}`);
  },
  onEvent(type, obj, ctx) {
    if (type === 'delete') return [];
    const skip = skipper(ctx);
    const read = readCertificate(obj);
    if (!read.ok) {
      skip(read.reason);
      return [];
    }
    const { certificate } = read;
    for (const problem of read.problems) skip(problem, `${certificate.namespace}/${certificate.name}`);
    // Every finding the Certificate holds now; the host writes only those it did not hold.
    return certificateFindings(certificate, ctx.config, Date.now());
  },
});

export default certManager;
