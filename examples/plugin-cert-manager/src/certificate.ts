import type { KubeObject } from '@zen-watcher/sdk';
import { iso, parseTime } from './time.js';

/** One entry of `status.conditions`, as far as this plugin reads it. */
export interface Condition {
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/**
 * What this plugin reads of a cert-manager `Certificate`, checked and normalised. Times are epoch
 * milliseconds; `notAfterText` is `status.notAfter` in canonical form (it is part of dedup keys).
 */
export interface CertificateView {
  namespace: string;
  name: string;
  uid?: string;
  secretName?: string;
  commonName?: string;
  dnsNames: string[];
  /** `Kind/name` of `spec.issuerRef` (kind defaults to Issuer, as in cert-manager). */
  issuer?: string;
  notBefore?: number;
  notAfter?: number;
  notAfterText?: string;
  renewalTime?: number;
  ready?: Condition;
  issuing?: Condition;
  lastFailureTime?: string;
  failedIssuanceAttempts?: number;
  /**
   * The newest time the object itself holds (condition transitions, last failure, notBefore,
   * creation): it was written at or after this, so it is what the object looked like then.
   */
  asOf?: number;
}

/** A problem that makes the object unusable: it is skipped with this reason. */
export type SkipReason = 'not_an_object' | 'missing_name' | 'missing_namespace' | 'invalid_status';

/** A problem with one field: the rest of the object is still read. */
export type FieldProblem = 'invalid_not_after' | 'invalid_conditions';

/**
 * The result of {@link readCertificate}.
 *
 * @example
 * ```ts
 * const r = readCertificate(obj);
 * if (!r.ok) skip(r.reason);
 * ```
 */
export type ReadResult = { ok: true; certificate: CertificateView; problems: FieldProblem[] } | { ok: false; reason: SkipReason };

const MAX_DNS_NAMES = 20;
const MAX_TEXT = 1024;

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown, max = MAX_TEXT): string | undefined {
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t.length > 0 ? t.slice(0, max) : undefined;
}

function condition(value: unknown): Condition | undefined {
  const c = record(value);
  const status = text(c?.status);
  if (!c || !status) return undefined;
  return { status, reason: text(c.reason, 253), message: text(c.message, 4096), lastTransitionTime: text(c.lastTransitionTime, 64) };
}

/**
 * Reads a Certificate as the informer delivers it. Certificates are written by cert-manager,
 * but also by hand and by other tools, so every field may be missing or of the wrong type: an
 * object without a name or namespace is skipped, a bad `notAfter` or `conditions` is reported as
 * a field problem and the rest is still read. A Certificate without `status` (cert-manager has
 * not processed it yet) is fine: it simply has nothing to report.
 *
 * @example
 * ```ts
 * readCertificate({ metadata: { name: 'web-tls', namespace: 'shop' } });
 * // { ok: true, certificate: { namespace: 'shop', name: 'web-tls', dnsNames: [], ... }, problems: [] }
 * ```
 */
export function readCertificate(obj: unknown): ReadResult {
  const o = record(obj);
  if (!o) return { ok: false, reason: 'not_an_object' };
  const meta = record(o.metadata);
  const name = text(meta?.name, 253);
  if (!name) return { ok: false, reason: 'missing_name' };
  const namespace = text(meta?.namespace, 63);
  if (!namespace) return { ok: false, reason: 'missing_namespace' };
  if (o.status !== undefined && o.status !== null && !record(o.status)) return { ok: false, reason: 'invalid_status' };

  const spec = record(o.spec) ?? {};
  const status = record(o.status) ?? {};
  const problems: FieldProblem[] = [];
  const issuerRef = record(spec.issuerRef);
  const issuerName = text(issuerRef?.name, 253);
  const certificate: CertificateView = {
    namespace,
    name,
    uid: text(meta?.uid, 64),
    secretName: text(spec.secretName, 253),
    commonName: text(spec.commonName, 253),
    dnsNames: Array.isArray(spec.dnsNames) ? spec.dnsNames.flatMap((d) => text(d, 253) ?? []).slice(0, MAX_DNS_NAMES) : [],
    issuer: issuerName ? `${text(issuerRef?.kind, 63) ?? 'Issuer'}/${issuerName}` : undefined,
    notBefore: parseTime(status.notBefore),
    renewalTime: parseTime(status.renewalTime),
    lastFailureTime: text(status.lastFailureTime, 64),
    failedIssuanceAttempts: typeof status.failedIssuanceAttempts === 'number' ? status.failedIssuanceAttempts : undefined,
  };

  if (status.notAfter !== undefined && status.notAfter !== null) {
    const notAfter = parseTime(status.notAfter);
    if (notAfter === undefined) problems.push('invalid_not_after');
    else Object.assign(certificate, { notAfter, notAfterText: iso(notAfter) });
  }

  if (status.conditions !== undefined && status.conditions !== null) {
    if (!Array.isArray(status.conditions)) problems.push('invalid_conditions');
    else {
      for (const entry of status.conditions) {
        const type = record(entry)?.type;
        if (type === 'Ready') certificate.ready ??= condition(entry);
        else if (type === 'Issuing') certificate.issuing ??= condition(entry);
      }
    }
  }

  const times = [
    parseTime(meta?.creationTimestamp),
    certificate.notBefore,
    parseTime(certificate.lastFailureTime),
    parseTime(certificate.ready?.lastTransitionTime),
    parseTime(certificate.issuing?.lastTransitionTime),
  ].filter((t): t is number => t !== undefined);
  if (times.length > 0) certificate.asOf = Math.max(...times);
  return { ok: true, certificate, problems };
}
