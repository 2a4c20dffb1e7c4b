import type { Category, SourceEvent } from '@zen-watcher/sdk';
import { asList, asRecord, asText, clip, compact, dedupKey, detail, oneLine, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { passesMinSeverity } from './finding-limits.js';
import type { ReportSubject } from './report-subject.js';
import { trivySeverity } from './severity.js';

function messagesOf(check: Record<string, unknown>): string[] {
  const list = asList(check.messages);
  if (list === 'invalid') return [];
  return list.map(asText).filter((m): m is string => m !== undefined);
}

/**
 * The three reports of `report.checks`: configuration audits (workload settings), RBAC
 * assessments (what a Role or ClusterRole permits: a security finding) and infra assessments
 * (control-plane and node settings, CIS-style). They share a shape and differ in what a failed
 * check means.
 *
 * @example
 * ```ts
 * CHECK_FLAVORS.rbac.eventType; // 'rbac_assessment'
 * ```
 */
export const CHECK_FLAVORS = {
  configaudit: { keyPrefix: 'configaudit', category: 'compliance', eventType: 'config_audit' },
  rbac: { keyPrefix: 'rbac', category: 'security', eventType: 'rbac_assessment' },
  infra: { keyPrefix: 'infra', category: 'compliance', eventType: 'infra_assessment' },
} as const satisfies Record<string, { keyPrefix: string; category: Category; eventType: string }>;

/**
 * One of {@link CHECK_FLAVORS}.
 *
 * @example
 * ```ts
 * const f: CheckFlavor = 'infra';
 * ```
 */
export type CheckFlavor = keyof typeof CHECK_FLAVORS;

/**
 * The dedup key of a failed check: the report flavor, workload, check id and the check's scope
 * (a check can fail once per container). Messages are left out: they are prose that Trivy
 * rewords between versions.
 *
 * @example
 * ```ts
 * configAuditKey(subject, 'KSV001', 'Container/nginx');
 * // 'configaudit|default/ReplicaSet/nginx-6d4cf56db6|KSV001|Container/nginx'
 * configAuditKey(subject, 'KSV041', undefined, 'rbac');
 * // 'rbac|kube-system/Role/system:controller:token-cleaner|KSV041|'
 * ```
 */
export function configAuditKey(subject: ReportSubject, checkID: string, scope?: string, flavor: CheckFlavor = 'configaudit'): string {
  return dedupKey([CHECK_FLAVORS[flavor].keyPrefix, subject.resourceKey, checkID, scope ?? '']);
}

/**
 * Maps the failed checks (`success: false`) of a ConfigAuditReport, RbacAssessmentReport,
 * InfraAssessmentReport or their Cluster variants: one event per check and scope, of the
 * flavor's category and eventType. Passing checks are not findings. A check without an id
 * (`checkID`, or `id` in older reports) is skipped and counted.
 *
 * @example
 * ```ts
 * const events = mapConfigAudit(subject, obj.report, config, tally);
 * const rbac = mapChecks('rbac')(subject, obj.report, config, tally);
 * ```
 */
export function mapConfigAudit(subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally, flavor: CheckFlavor = 'configaudit'): SourceEvent[] {
  const { category, eventType } = CHECK_FLAVORS[flavor];
  const list = asList(report.checks);
  if (list === 'invalid') {
    tally.skip('invalid_checks', { report: subject.report });
    return [];
  }
  const events: SourceEvent[] = [];
  for (const item of list) {
    const check = asRecord(item);
    const checkID = asText(check?.checkID) ?? asText(check?.id);
    if (!check || !checkID) {
      tally.skip(check ? 'missing_check_id' : 'invalid_check', { report: subject.report });
      continue;
    }
    // Only an explicit false is a failure; a check without `success` is not evidence of one.
    if (check.success !== false) continue;
    const severity = trivySeverity(check.severity);
    if (!passesMinSeverity(severity, config, tally)) continue;

    const scopeRecord = asRecord(check.scope);
    const scopeType = asText(scopeRecord?.type);
    const scopeValue = asText(scopeRecord?.value);
    const scope = scopeType || scopeValue ? `${scopeType ?? ''}/${scopeValue ?? ''}` : undefined;
    const messages = messagesOf(check);
    const checkTitle = asText(check.title);
    const description = asText(check.description);
    const remediation = asText(check.remediation);
    const headline = checkTitle ?? messages[0] ?? asText(check.category) ?? 'failed check';
    const message = [
      `${checkID}: ${headline}${scopeValue ? ` (${scopeType ?? 'scope'} ${scopeValue})` : ''}.`,
      // The headline is often the first message; do not say it twice.
      ...messages
        .filter((m) => m !== headline)
        .slice(0, TEXT.listItems)
        .map((m) => oneLine(m.slice(0, TEXT.detail))),
      description ? oneLine(description.slice(0, TEXT.message)) : undefined,
      remediation ? `Remediation: ${oneLine(remediation.slice(0, TEXT.message))}` : undefined,
    ]
      .filter(Boolean)
      .join(' ');

    events.push(
      compact({
        severity,
        category,
        eventType,
        title: title(`${checkID}: ${headline}${scopeValue ? ` (${scopeValue})` : ''}`),
        message: clip(message, TEXT.message),
        resource: subject.resource,
        detectedAt: subject.detectedAt,
        dedupKey: configAuditKey(subject, checkID, scope, flavor),
        details: compact({
          checkID,
          title: detail(checkTitle),
          checkCategory: detail(asText(check.category)),
          trivySeverity: detail(asText(check.severity)),
          scope: scopeRecord ? compact({ type: detail(scopeType), value: detail(scopeValue) }) : undefined,
          messages: messages.length > 0 ? messages.slice(0, TEXT.listItems).map((m) => clip(m, TEXT.detail)) : undefined,
          remediation: detail(remediation),
          scanner: subject.scanner,
          report: subject.report,
        }),
      }),
    );
  }
  return events;
}

/**
 * The mapper of one flavor of checks report.
 *
 * @example
 * ```ts
 * BY_KIND.RbacAssessmentReport = mapChecks('rbac');
 * ```
 */
export function mapChecks(flavor: CheckFlavor) {
  return (subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally): SourceEvent[] => mapConfigAudit(subject, report, config, tally, flavor);
}
