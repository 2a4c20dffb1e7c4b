import type { SourceEvent } from '@zen-watcher/sdk';
import { asList, asNumber, asRecord, asText, clip, compact, dedupKey, detail, oneLine, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { passesMinSeverity } from './finding-limits.js';
import type { ReportSubject } from './report-subject.js';
import { trivySeverity } from './severity.js';

/**
 * The dedup key of a failed compliance control: the report (the ClusterComplianceReport is
 * itself the subject), the compliance spec and the control id. How many resources fail the
 * control changes with every scan and is left out.
 *
 * @example
 * ```ts
 * complianceKey(subject, '0001', '1.0'); // 'compliance|/ClusterComplianceReport/nsa|0001|1.0'
 * ```
 */
export function complianceKey(subject: ReportSubject, complianceId: string, controlId: string): string {
  return dedupKey(['compliance', subject.resourceKey, complianceId, controlId]);
}

/** The spec's controls by id: their description and the scanner checks they are made of. */
function specControls(root: Record<string, unknown>): Map<string, { description?: string; checks: string[] }> {
  const controls = asList(asRecord(asRecord(root.spec)?.compliance)?.controls);
  const out = new Map<string, { description?: string; checks: string[] }>();
  if (controls === 'invalid') return out;
  for (const item of controls) {
    const control = asRecord(item);
    const id = asText(control?.id);
    if (!control || !id) continue;
    const checks = asList(control.checks);
    out.set(id, {
      description: asText(control.description),
      checks: checks === 'invalid' ? [] : checks.map((c) => asText(asRecord(c)?.id)).filter((c): c is string => c !== undefined),
    });
  }
  return out;
}

/**
 * Maps a ClusterComplianceReport in Trivy's summary format (`status.summaryReport`, what
 * `reportType: summary` writes): one compliance event per control that fails for at least one
 * resource (`totalFail > 0`), severity from the control's. Controls that pass (`totalFail: 0`)
 * are no findings; manual controls carry no `totalFail` and are counted as
 * `filtered_total{reason="manual_control"}`. The detailed format (`reportType: all`,
 * `status.detailReport`) is not read: it is skipped and counted as `no_summary_report`.
 *
 * @example
 * ```ts
 * const events = mapCompliance(subject, obj, config, tally);
 * ```
 */
export function mapCompliance(subject: ReportSubject, root: Record<string, unknown>, config: TrivyConfig, tally: Tally): SourceEvent[] {
  const summary = asRecord(asRecord(root.status)?.summaryReport);
  const controls = asList(summary?.controlCheck);
  if (!summary || controls === 'invalid') {
    tally.skip('no_summary_report', { report: subject.report });
    return [];
  }
  const spec = asRecord(asRecord(root.spec)?.compliance);
  const complianceId = asText(summary.id) ?? asText(spec?.id) ?? '';
  const complianceTitle = asText(summary.title) ?? asText(spec?.title) ?? subject.report.name ?? 'compliance';
  const described = specControls(root);
  const events: SourceEvent[] = [];
  for (const item of controls) {
    const control = asRecord(item);
    const id = asText(control?.id);
    if (!control || !id) {
      tally.skip(control ? 'missing_control_id' : 'invalid_control', { report: subject.report });
      continue;
    }
    const totalFail = asNumber(control.totalFail);
    if (totalFail === undefined) {
      tally.filter('manual_control');
      continue;
    }
    if (totalFail <= 0) continue;
    const severity = trivySeverity(control.severity);
    if (!passesMinSeverity(severity, config, tally)) continue;
    const name = asText(control.name) ?? id;
    const fromSpec = described.get(id);
    const message = [
      `${totalFail} ${totalFail === 1 ? 'resource fails' : 'resources fail'} control ${id} (${name}) of ${complianceTitle}.`,
      fromSpec?.description ? `${oneLine(fromSpec.description.slice(0, TEXT.message))}.` : undefined,
      fromSpec?.checks.length ? `Checks: ${fromSpec.checks.slice(0, TEXT.listItems).join(', ')}.` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    events.push(
      compact({
        severity,
        category: 'compliance',
        eventType: 'compliance_control_failed',
        title: title(`${complianceTitle} ${id} failed: ${name}`),
        message: clip(message, TEXT.message),
        resource: subject.resource,
        detectedAt: subject.detectedAt,
        dedupKey: complianceKey(subject, complianceId, id),
        details: compact({
          controlId: id,
          control: detail(name),
          totalFail,
          trivySeverity: detail(asText(control.severity)),
          compliance: compact({ id: detail(complianceId || undefined), title: detail(complianceTitle), version: detail(asText(spec?.version)) }),
          checks: fromSpec?.checks.length ? fromSpec.checks.slice(0, TEXT.listItems) : undefined,
          report: subject.report,
        }),
      }),
    );
  }
  return events;
}
