import type { SourceEvent } from '@zen-watcher/sdk';
import { asList, asNumber, asRecord, asText, clip, compact, dedupKey, detail, oneLine, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { TrivyConfig } from './config.js';
import { passesMinSeverity } from './finding-limits.js';
import type { ReportSubject } from './report-subject.js';
import { trivySeverity } from './severity.js';

function links(vuln: Record<string, unknown>): string[] | undefined {
  const list = asList(vuln.links);
  if (list === 'invalid') return undefined;
  const texts = list.map(asText).filter((l): l is string => l !== undefined);
  return texts.length > 0 ? texts.slice(0, TEXT.listItems).map((l) => clip(l, TEXT.detail)) : undefined;
}

/**
 * The dedup key of a vulnerability finding: workload, container, vulnerability and package.
 * It leaves out the report's name/uid, the scan time and the installed version, so a rescan
 * (or a rebuilt image that still ships the vulnerable package) is the same finding.
 * `pkgPath` tells apart two copies of one library at different paths (two jars).
 *
 * @example
 * ```ts
 * vulnerabilityKey(subject, 'CVE-2021-3121', 'github.com/gogo/protobuf');
 * // 'vuln|kube-system/ReplicaSet/coredns-558bd4d5db|coredns|CVE-2021-3121|github.com/gogo/protobuf|'
 * ```
 */
export function vulnerabilityKey(subject: ReportSubject, id: string, pkg?: string, pkgPath?: string): string {
  return dedupKey(['vuln', subject.resourceKey, subject.container ?? '', id, pkg ?? '', pkgPath ?? '']);
}

/**
 * Maps the `report.vulnerabilities` of a VulnerabilityReport: one event per (workload,
 * vulnerability, package), severity from Trivy's, filtered by `minSeverity` and
 * `ignoreUnfixed`. Entries without a `vulnerabilityID` are skipped and counted.
 *
 * @example
 * ```ts
 * const events = mapVulnerabilities(subject, obj.report, config, tally);
 * ```
 */
export function mapVulnerabilities(subject: ReportSubject, report: Record<string, unknown>, config: TrivyConfig, tally: Tally): SourceEvent[] {
  const list = asList(report.vulnerabilities);
  if (list === 'invalid') {
    tally.skip('invalid_vulnerabilities', { report: subject.report });
    return [];
  }
  const events: SourceEvent[] = [];
  for (const item of list) {
    const vuln = asRecord(item);
    const id = asText(vuln?.vulnerabilityID);
    if (!vuln || !id) {
      tally.skip(vuln ? 'missing_vulnerability_id' : 'invalid_vulnerability', { report: subject.report });
      continue;
    }
    const severity = trivySeverity(vuln.severity, vuln.score);
    if (!passesMinSeverity(severity, config, tally)) continue;
    const fixed = asText(vuln.fixedVersion);
    if (config.ignoreUnfixed && !fixed) {
      tally.filter('unfixed');
      continue;
    }
    const pkg = asText(vuln.resource);
    const installed = asText(vuln.installedVersion);
    const pkgPath = asText(vuln.pkgPath);
    const vulnTitle = asText(vuln.title);
    const primaryLink = asText(vuln.primaryLink);
    const description = asText(vuln.description);

    const where = `${pkg ?? 'unknown package'}${installed ? ` ${installed}` : ''}`;
    const message = [
      `${vulnTitle ? `${id}: ${vulnTitle}` : id}.`,
      `${where} in ${subject.image ?? 'the scanned image'}${subject.container ? ` (container ${subject.container})` : ''}.`,
      fixed ? `Fixed in ${fixed}.` : 'No fixed version yet.',
      description ? oneLine(description.slice(0, TEXT.message)) : undefined,
      primaryLink,
    ]
      .filter(Boolean)
      .join(' ');

    events.push(compact({
      severity,
      category: 'security',
      eventType: 'vulnerability',
      title: title(`${id} in ${where}${fixed ? ` (fixed in ${fixed})` : ''}`),
      message: clip(message, TEXT.message),
      resource: subject.resource,
      detectedAt: subject.detectedAt,
      dedupKey: vulnerabilityKey(subject, id, pkg, pkgPath),
      details: compact({
        vulnerabilityID: id,
        package: detail(pkg),
        installedVersion: detail(installed),
        fixedVersion: detail(fixed),
        score: asNumber(vuln.score),
        trivySeverity: detail(asText(vuln.severity)),
        title: detail(vulnTitle),
        primaryLink: detail(primaryLink),
        links: links(vuln),
        image: detail(subject.image),
        container: subject.container,
        target: detail(asText(vuln.target)),
        pkgPath: detail(pkgPath),
        publishedDate: detail(asText(vuln.publishedDate)),
        scanner: subject.scanner,
        report: subject.report,
      }),
    }));
  }
  return events;
}
