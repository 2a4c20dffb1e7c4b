import { LIMITS, type Severity, type SourceEvent } from '@zen-watcher/sdk';
import type { CertificateView, Condition } from './certificate.js';
import type { CertManagerConfig } from './config.js';
import { DAY_MS, daysText, iso, parseTime } from './time.js';

/**
 * What a finding says about a Certificate. Part of the dedup key, so an expiry that becomes more
 * urgent is a new Observation at the new severity (the host never changes an Observation's
 * severity when it merges a repeat).
 *
 * @example
 * ```ts
 * const kind: FindingKind = 'expiry-critical';
 * ```
 */
export type FindingKind = 'expiry-warning' | 'expiry-critical' | 'expired' | 'not-ready';

/**
 * The dedup key of a finding: the Certificate, the kind of finding and the `notAfter` of the
 * certificate it is about. A renewed certificate (a new `notAfter`) is a new finding; the same
 * expiry seen again, by any pod and after any restart, is the same one.
 *
 * @example
 * ```ts
 * dedupKey({ namespace: 'shop', name: 'web-tls', notAfterText: '2026-11-29T08:00:00Z' }, 'expiry-critical');
 * // 'shop/web-tls|expiry-critical|2026-11-29T08:00:00Z'
 * ```
 */
export function dedupKey(c: Pick<CertificateView, 'namespace' | 'name' | 'notAfterText'>, kind: FindingKind): string {
  return `${c.namespace}/${c.name}|${kind}|${c.notAfterText ?? 'no-notAfter'}`;
}

interface Expiry {
  kind: FindingKind;
  severity: Severity;
  /** When the certificate entered this state. */
  since: number;
  headline: string;
}

/** The expiry state of a certificate at `now`, if it is one worth reporting. */
function expiryAt(c: CertificateView, config: CertManagerConfig, now: number): Expiry | undefined {
  if (c.notAfter === undefined || c.notAfterText === undefined) return undefined;
  const left = c.notAfter - now;
  if (left <= 0) return { kind: 'expired', severity: 'critical', since: c.notAfter, headline: `expired on ${c.notAfterText}` };
  // Renewal not due yet: nearing expiry is cert-manager's own schedule, not a problem.
  if (config.waitForRenewalTime && c.renewalTime !== undefined && c.renewalTime > now) return undefined;
  let tier: { days: number; kind: FindingKind; severity: Severity };
  if (left <= config.criticalDays * DAY_MS) tier = { days: config.criticalDays, kind: 'expiry-critical', severity: 'high' };
  else if (left <= config.warnDays * DAY_MS) tier = { days: config.warnDays, kind: 'expiry-warning', severity: 'medium' };
  else return undefined;
  const entered = [c.notAfter - tier.days * DAY_MS, c.notBefore ?? -Infinity, config.waitForRenewalTime ? (c.renewalTime ?? -Infinity) : -Infinity];
  return {
    kind: tier.kind,
    severity: tier.severity,
    since: Math.min(Math.max(...entered), now),
    headline: `expires within ${daysText(tier.days * DAY_MS)} (${c.notAfterText})`,
  };
}

function notReady(c: CertificateView, config: CertManagerConfig): Condition | undefined {
  if (!config.reportNotReady || c.ready?.status !== 'False') return undefined;
  if (!config.reportWhileIssuing && c.issuing?.status === 'True') return undefined;
  return c.ready;
}

function conditionText(label: string, cond: Condition | undefined): string | undefined {
  if (!cond) return undefined;
  return `${label}=${cond.status}${cond.reason ? ` (${cond.reason})` : ''}${cond.message ? `: ${cond.message}` : ''}`;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function details(c: CertificateView, kind: FindingKind, now: number): Record<string, unknown> {
  const condition = (cond: Condition | undefined) => (cond ? compact({ ...cond }) : undefined);
  return compact({
    finding: kind,
    certificate: `${c.namespace}/${c.name}`,
    secretName: c.secretName,
    commonName: c.commonName,
    dnsNames: c.dnsNames.length > 0 ? c.dnsNames : undefined,
    issuer: c.issuer,
    notBefore: c.notBefore === undefined ? undefined : iso(c.notBefore),
    notAfter: c.notAfterText,
    renewalTime: c.renewalTime === undefined ? undefined : iso(c.renewalTime),
    // Whole days left when the finding was made (-6: expired six days ago).
    daysLeft: c.notAfter === undefined ? undefined : Math.trunc((c.notAfter - now) / DAY_MS) || 0,
    ready: condition(c.ready),
    issuing: condition(c.issuing),
    failedIssuanceAttempts: c.failedIssuanceAttempts,
    lastFailureTime: c.lastFailureTime,
  });
}

function subject(c: CertificateView): string {
  const names = c.dnsNames.length > 0 ? c.dnsNames.slice(0, 5).join(', ') + (c.dnsNames.length > 5 ? ', ...' : '') : c.commonName;
  const parts = [c.secretName && `secret ${c.secretName}`, names, c.issuer && `issuer ${c.issuer}`].filter(Boolean);
  return `Certificate ${c.namespace}/${c.name}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}`;
}

function event(c: CertificateView, kind: FindingKind, severity: Severity, eventType: string, headline: string, message: string, detectedAt: number | undefined, now: number): SourceEvent {
  return compact({
    severity,
    category: 'operations' as const,
    eventType,
    title: `Certificate ${c.name} ${headline}`.slice(0, LIMITS.titleLength),
    message: message.slice(0, LIMITS.messageLength),
    resource: compact({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', name: c.name, namespace: c.namespace, uid: c.uid }),
    detectedAt: detectedAt === undefined ? undefined : iso(detectedAt),
    details: details(c, kind, now),
    dedupKey: dedupKey(c, kind),
  });
}

/**
 * The findings a Certificate holds at `now`: its expiry (medium within `warnDays`, high within
 * `criticalDays`, critical once expired) and a Ready=False condition (high). A Ready=False whose
 * reason is `Expired` is left to the expiry finding, which carries the condition in its details.
 *
 * @example
 * ```ts
 * certificateFindings(certificate, config, Date.now()).map((e) => e.severity); // ['high']
 * ```
 */
export function certificateFindings(c: CertificateView, config: CertManagerConfig, now: number): SourceEvent[] {
  const events: SourceEvent[] = [];
  const expiry = expiryAt(c, config, now);
  const lastAttempt = conditionText('Issuing', c.issuing);
  if (expiry) {
    const left = expiry.kind === 'expired' ? `expired ${daysText(now - c.notAfter!)} ago` : `${daysText(c.notAfter! - now)} left`;
    const renewal = c.renewalTime === undefined ? undefined : `renewal was due ${iso(c.renewalTime)}`;
    const message = [`${subject(c)} ${expiry.headline}: ${left} at ${iso(now)}`, renewal, lastAttempt, conditionText('Ready', c.ready)].filter(Boolean).join('; ');
    const eventType = expiry.kind === 'expired' ? 'certificate_expired' : 'certificate_expiring';
    events.push(event(c, expiry.kind, expiry.severity, eventType, expiry.headline, `${message}.`, expiry.since, now));
  }
  const ready = notReady(c, config);
  if (ready && !(ready.reason === 'Expired' && expiry?.kind === 'expired')) {
    const message = [`${subject(c)} is not ready: ${ready.message ?? ready.reason ?? 'no reason given'}`, lastAttempt].filter(Boolean).join('; ');
    // A transition time ahead of our clock by more than skew is not believed.
    const since = parseTime(ready.lastTransitionTime);
    const detectedAt = since !== undefined && since <= now + 60 * 60 * 1000 ? since : undefined;
    events.push(event(c, 'not-ready', 'high', 'certificate_not_ready', `is not ready: ${ready.reason ?? 'unknown reason'}`, `${message}.`, detectedAt, now));
  }
  return events;
}
