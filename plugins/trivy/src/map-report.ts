import type { SourceEvent } from '@zen-watcher/sdk';
import { asRecord, asText, type Tally } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { mapConfigAudit } from './map-config-audit.js';
import { mapExposedSecrets } from './map-exposed-secrets.js';
import { mapVulnerabilities } from './map-vulnerabilities.js';
import { readSubject, type ReportSubject } from './report-subject.js';

type Mapper = (subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally) => SourceEvent[];

const BY_KIND: Record<string, Mapper> = {
  VulnerabilityReport: mapVulnerabilities,
  ConfigAuditReport: mapConfigAudit,
  ClusterConfigAuditReport: mapConfigAudit,
  ExposedSecretReport: mapExposedSecrets,
};

// List responses may carry items without kind/apiVersion; the report's own fields then say
// what it is.
function mapperByShape(report: Record<string, unknown>): Mapper | undefined {
  if ('vulnerabilities' in report) return mapVulnerabilities;
  if ('checks' in report) return mapConfigAudit;
  if ('secrets' in report) return mapExposedSecrets;
  return undefined;
}

/**
 * Maps one Trivy Operator report object (VulnerabilityReport, ConfigAuditReport,
 * ClusterConfigAuditReport or ExposedSecretReport) to events. Malformed objects and entries
 * are skipped and counted on `tally`; this never throws. Findings repeated within one report
 * (same dedup key) are returned once, so one scan cannot count a finding twice.
 *
 * @example
 * ```ts
 * const events = mapReport(obj, ctx.config, tallyFor(ctx));
 * ```
 */
export function mapReport(obj: unknown, config: TrivyConfig, tally: Tally): SourceEvent[] {
  const root = asRecord(obj);
  if (!root) {
    tally.skip('not_an_object');
    return [];
  }
  const name = asText(asRecord(root.metadata)?.name);
  const kind = asText(root.kind);
  const report = asRecord(root.report);
  if (!report) {
    tally.skip('missing_report', { kind, name });
    return [];
  }
  const mapper = kind !== undefined ? BY_KIND[kind] : mapperByShape(report);
  if (!mapper) {
    tally.skip('unsupported_kind', { kind, name });
    return [];
  }
  const subject = readSubject(root, report);
  if (!subject) {
    tally.skip('no_affected_resource', { kind, name });
    return [];
  }
  const unique = new Map<string, SourceEvent>();
  for (const event of mapper(subject, report, config, tally)) {
    if (!unique.has(event.dedupKey)) unique.set(event.dedupKey, event);
  }
  return [...unique.values()];
}
