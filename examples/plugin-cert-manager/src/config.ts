import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';

/**
 * The resource this plugin watches: cert-manager's `Certificate`.
 *
 * @example
 * ```ts
 * CERTIFICATES.plural; // 'certificates'
 * ```
 */
export const CERTIFICATES = {
  group: 'cert-manager.io',
  version: 'v1',
  plural: 'certificates',
  kind: 'Certificate',
} as const satisfies WatchedResource;

/**
 * `spec.config` of a cert-manager Ingester.
 *
 * @example
 * ```ts
 * { warnDays: 21, criticalDays: 5, reportNotReady: true }
 * ```
 */
export const CertManagerConfig = Type.Object(
  {
    warnDays: Type.Integer({
      default: 30,
      minimum: 1,
      maximum: 3650,
      description: 'A certificate whose status.notAfter is at most this many days away is reported (severity medium).',
    }),
    criticalDays: Type.Integer({
      default: 7,
      minimum: 0,
      maximum: 3650,
      description: 'At most this many days away: severity high. 0 leaves only expired (critical). Must not exceed warnDays.',
    }),
    waitForRenewalTime: Type.Boolean({
      default: true,
      description:
        "Do not report a certificate nearing expiry while its status.renewalTime is still ahead: cert-manager has not tried to renew it yet (short-lived certificates are always near expiry). An expired certificate is reported regardless.",
    }),
    reportNotReady: Type.Boolean({
      default: true,
      description: 'Report certificates whose Ready condition is False (severity high), with the condition reason and message.',
    }),
    reportWhileIssuing: Type.Boolean({
      default: true,
      description:
        'Also report Ready=False while an issuance is in progress (condition Issuing=True, as for every new Certificate). false waits until the issuance fails.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved configuration (defaults applied).
 *
 * @example
 * ```ts
 * function window(config: CertManagerConfig) { return config.warnDays; }
 * ```
 */
export type CertManagerConfig = Static<typeof CertManagerConfig>;

/**
 * What is wrong with a configuration beyond its schema (an empty list when it is fine).
 *
 * @example
 * ```ts
 * configProblems({ warnDays: 5, criticalDays: 7 }); // ['criticalDays (7) must not exceed warnDays (5)']
 * ```
 */
export function configProblems(config: Pick<CertManagerConfig, 'warnDays' | 'criticalDays'>): string[] {
  return config.criticalDays > config.warnDays ? [`criticalDays (${config.criticalDays}) must not exceed warnDays (${config.warnDays})`] : [];
}
