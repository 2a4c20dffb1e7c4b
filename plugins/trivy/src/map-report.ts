import type { SourceEvent } from '@zen-watcher/sdk';
import { asRecord, asText, mergeSameKey, type Tally } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { mapCompliance } from './map-compliance.js';
import { mapChecks, mapConfigAudit } from './map-config-audit.js';
import { mapExposedSecrets } from './map-exposed-secrets.js';
import { mapVulnerabilities } from './map-vulnerabilities.js';
import { readSubject, type ReportSubject } from './report-subject.js';

type Mapper = (subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally) => SourceEvent[];

const BY_KIND: Readonly<Record<string, Mapper>> = {
  VulnerabilityReport: mapVulnerabilities,
  ClusterVulnerabilityReport: mapVulnerabilities,
  ConfigAuditReport: mapConfigAudit,
  ClusterConfigAuditReport: mapConfigAudit,
  ExposedSecretReport: mapExposedSecrets,
  RbacAssessmentReport: mapChecks('rbac'),
  ClusterRbacAssessmentReport: mapChecks('rbac'),
  InfraAssessmentReport: mapChecks('infra'),
  ClusterInfraAssessmentReport: mapChecks('infra'),
};

// List responses may carry items without kind/apiVersion; the report's own fields then say
// what it is (a checks report without its kind is read as a config audit).
function mapperByShape(report: Record<string, unknown>): Mapper | undefined {
  if ('vulnerabilities' in report) return mapVulnerabilities;
  if ('checks' in report) return mapConfigAudit;
  if ('secrets' in report) return mapExposedSecrets;
  return undefined;
}

/** What `mapReport` needs besides the object: the config, a tally, who to tell about an unhandled kind. */
export interface MapOptions {
  /** Called for a report of a kind this plugin does not map (it is also counted as `unsupported_kind`). */
  onUnsupportedKind?: (kind: string | undefined, name: string | undefined) => void;
}

/**
 * Maps one Trivy Operator report object to events: (Cluster)VulnerabilityReport,
 * (Cluster)ConfigAuditReport, ExposedSecretReport, (Cluster)RbacAssessmentReport,
 * (Cluster)InfraAssessmentReport and ClusterComplianceReport (summary format). Malformed objects
 * and entries are skipped and counted on `tally`; this never throws. Findings repeated within
 * one report (same dedup key) are returned once and counted as `merged_total{reason="duplicate_finding"}`.
 *
 * @example
 * ```ts
 * const events = mapReport(obj, ctx.config, tallyFor(ctx));
 * ```
 */
export function mapReport(obj: unknown, config: TrivyConfig, tally: Tally, options: MapOptions = {}): SourceEvent[] {
  const root = asRecord(obj);
  if (!root) {
    tally.skip('not_an_object');
    return [];
  }
  const name = asText(asRecord(root.metadata)?.name);
  const kind = asText(root.kind);
  const compliance = kind === 'ClusterComplianceReport' || (kind === undefined && asRecord(root.status)?.summaryReport !== undefined);
  // A compliance report keeps its findings in `status`; every other kind in `report`.
  const report = compliance ? asRecord(root.status) : asRecord(root.report);
  if (!report) {
    tally.skip(compliance ? 'no_summary_report' : 'missing_report', { kind, name });
    return [];
  }
  const mapper: Mapper | undefined = compliance ? (subject, _status, c, t) => mapCompliance(subject, root, c, t) : kind !== undefined ? BY_KIND[kind] : mapperByShape(report);
  if (!mapper) {
    tally.skip('unsupported_kind', { kind, name });
    options.onUnsupportedKind?.(kind, name);
    return [];
  }
  const subject = readSubject(root, report);
  if (!subject) {
    tally.skip('no_affected_resource', { kind, name });
    return [];
  }
  // A scan lists a finding once; a repeat is the report's duplicate, not a second occurrence.
  return mergeSameKey(mapper(subject, report, config, tally), tally, { reason: 'duplicate_finding', where: { report: subject.report } });
}
