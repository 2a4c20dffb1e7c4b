import type { Severity, SourceEvent } from '@zen-watcher/sdk';
import { asList, asRecord, asText, clip, compact, dedupKey, detail, oneLine, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { ConfigMapConfig } from './config.js';
import type { ScanOrigin } from './scan-payload.js';

/** kube-bench appends how a check is assessed to its description; the title does without. */
const ASSESSMENT_SUFFIX = /\s*\((Scored|Not Scored|Automated|Manual)\)\s*$/i;

/**
 * The dedup key of a kube-bench result: where it ran (node, else the ConfigMap), the control's
 * node type, the test number and the status. The benchmark version and the audit output are
 * left out, so the next run of the same benchmark is the same finding; the status is in, as a
 * WARN that turns into a FAIL is a new finding.
 *
 * @example
 * ```ts
 * kubeBenchKey(origin, 'master', '1.1.1', 'FAIL'); // 'kube-bench|/Node/worker-1|master|1.1.1|FAIL'
 * ```
 */
export function kubeBenchKey(origin: ScanOrigin, nodeType: string | undefined, testNumber: string, status: string): string {
  return dedupKey(['kube-bench', origin.resourceKey, nodeType ?? '', testNumber, status]);
}

function severityOf(testNumber: string, status: string, scored: boolean, config: ConfigMapConfig): Severity {
  const override = config.severityOverrides[testNumber];
  if (override) return override;
  if (status === 'WARN') return config.kubeBenchSeverity.warn;
  return scored ? config.kubeBenchSeverity.scored : config.kubeBenchSeverity.notScored;
}

interface Section {
  control: Record<string, unknown>;
  test: Record<string, unknown>;
}

function mapResult(item: unknown, at: Section, origin: ScanOrigin, config: ConfigMapConfig, tally: Tally): SourceEvent | undefined {
  const result = asRecord(item);
  if (!result) {
    tally.skip('invalid_kube_bench_result', { configMap: origin.configMap });
    return undefined;
  }
  const testNumber = asText(result.test_number);
  const status = asText(result.status)?.toUpperCase();
  if (!testNumber || !status) {
    tally.skip(testNumber ? 'missing_status' : 'missing_test_number', { configMap: origin.configMap });
    return undefined;
  }
  if (status !== 'FAIL' && !(status === 'WARN' && config.includeWarn)) {
    tally.filter(`status_${status.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20)}`);
    return undefined;
  }
  const scored = result.scored === true;
  const description = asText(result.test_desc);
  const nodeType = asText(at.control.node_type);
  const remediation = asText(result.remediation);
  const reason = asText(result.reason);
  const shortDesc = description?.replace(ASSESSMENT_SUFFIX, '');
  const message = [
    `CIS ${testNumber} ${status}${shortDesc ? `: ${oneLine(shortDesc.slice(0, TEXT.message))}` : ''}.`,
    reason ? oneLine(reason.slice(0, TEXT.detail)) : undefined,
    remediation ? `Remediation: ${oneLine(remediation.slice(0, TEXT.message))}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  return compact<SourceEvent>({
    severity: severityOf(testNumber, status, scored, config),
    category: 'compliance',
    eventType: status === 'FAIL' ? 'cis_benchmark_fail' : 'cis_benchmark_warn',
    title: title(`CIS ${testNumber} ${shortDesc ?? status}`),
    message: clip(message, TEXT.message),
    resource: origin.resource,
    detectedAt: origin.detectedAt,
    dedupKey: kubeBenchKey(origin, nodeType, testNumber, status),
    details: compact({
      testNumber,
      status,
      scored,
      description: detail(description),
      section: detail(asText(at.test.section)),
      sectionDescription: detail(asText(at.test.desc)),
      controlId: detail(asText(at.control.id)),
      controlText: detail(asText(at.control.text)),
      nodeType: detail(nodeType),
      benchmarkVersion: detail(asText(at.control.version)),
      remediation: detail(remediation),
      reason: detail(reason),
      audit: detail(asText(result.audit)),
      actualValue: detail(asText(result.actual_value)),
      expectedResult: detail(asText(result.expected_result)),
      node: origin.node,
      configMap: origin.configMap,
    }),
  });
}

/**
 * Maps kube-bench JSON (`kube-bench --json`: `{ Controls: [...], Totals }`, or a bare array of
 * controls) to compliance events: one per FAIL result (and WARN with `includeWarn`). Totals
 * are ignored; what is listed is what is reported.
 *
 * @example
 * ```ts
 * const events = mapKubeBench(JSON.parse(cm.data['results.json']), origin, config, tally);
 * ```
 */
export function mapKubeBench(data: unknown, origin: ScanOrigin, config: ConfigMapConfig, tally: Tally): SourceEvent[] {
  const controls = Array.isArray(data) ? data : asList(asRecord(data)?.Controls);
  if (controls === 'invalid') {
    tally.skip('invalid_controls', { configMap: origin.configMap });
    return [];
  }
  const events: SourceEvent[] = [];
  for (const item of controls) {
    const control = asRecord(item);
    const tests = asList(control?.tests);
    if (!control || tests === 'invalid') {
      tally.skip('invalid_control', { configMap: origin.configMap });
      continue;
    }
    for (const testItem of tests) {
      const test = asRecord(testItem);
      const results = asList(test?.results);
      if (!test || results === 'invalid') {
        tally.skip('invalid_test', { configMap: origin.configMap });
        continue;
      }
      for (const result of results) {
        const event = mapResult(result, { control, test }, origin, config, tally);
        if (event) events.push(event);
      }
    }
  }
  return events;
}
