import type { SourceEvent } from '@zen-watcher/sdk';
import { asList, asRecord, asText, clip, compact, dedupKey, detail, fnv1a, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { passesMinSeverity } from './finding-limits.js';
import type { ReportSubject } from './report-subject.js';
import { trivySeverity } from './severity.js';

/**
 * The dedup key of an exposed secret: workload, container, rule, file, and a hash of the
 * matching line. Trivy reports one entry per match, and two secrets of one rule in one file
 * differ only in that line; hashing it keeps even the masked text out of the key.
 *
 * @example
 * ```ts
 * exposedSecretKey(subject, 'stripe-access-token', '/app/config/secret.yaml', 'secret_key: *****');
 * ```
 */
export function exposedSecretKey(subject: ReportSubject, ruleID: string, target?: string, match?: string): string {
  return dedupKey(['secret', subject.resourceKey, subject.container ?? '', ruleID, target ?? '', match ? fnv1a(match) : '']);
}

/**
 * Maps the `report.secrets` of an ExposedSecretReport: one security event per secret found in
 * the image. The `match` line is not copied into the Observation (Trivy masks the secret, but
 * the surrounding text can still be sensitive); the file and rule are.
 *
 * @example
 * ```ts
 * const events = mapExposedSecrets(subject, obj.report, config, tally);
 * ```
 */
export function mapExposedSecrets(subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally): SourceEvent[] {
  const list = asList(report.secrets);
  if (list === 'invalid') {
    tally.skip('invalid_secrets', { report: subject.report });
    return [];
  }
  const events: SourceEvent[] = [];
  for (const item of list) {
    const secret = asRecord(item);
    const ruleID = asText(secret?.ruleID);
    if (!secret || !ruleID) {
      tally.skip(secret ? 'missing_rule_id' : 'invalid_secret', { report: subject.report });
      continue;
    }
    const severity = trivySeverity(secret.severity);
    if (!passesMinSeverity(severity, config, tally)) continue;
    const target = asText(secret.target);
    const secretTitle = asText(secret.title) ?? ruleID;
    const image = subject.image ?? 'the scanned image';
    events.push(
      compact({
        severity,
        category: 'security',
        eventType: 'exposed_secret',
        title: title(`${secretTitle} secret in ${target ?? image}`),
        message: clip(
          `Trivy found a ${secretTitle} secret (rule ${ruleID}) in ${target ?? 'a file'} of ${image}${
            subject.container ? ` (container ${subject.container})` : ''
          }.`,
          TEXT.message,
        ),
        resource: subject.resource,
        detectedAt: subject.detectedAt,
        dedupKey: exposedSecretKey(subject, ruleID, target, asText(secret.match)),
        details: compact({
          ruleID,
          title: detail(asText(secret.title)),
          secretCategory: detail(asText(secret.category)),
          target: detail(target),
          trivySeverity: detail(asText(secret.severity)),
          image: detail(subject.image),
          container: subject.container,
          scanner: subject.scanner,
          report: subject.report,
        }),
      }),
    );
  }
  return events;
}
