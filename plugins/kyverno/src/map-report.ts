import type { ResourceRef, SourceEvent } from '@zen-watcher/sdk';
import { asList, asRecord, asText, clip, compact, dedupKey, detail, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { KyvernoConfig } from './config.js';
import { protoTime } from './event-time.js';
import { readReportContext, resultResources, type ReportContext } from './report-context.js';
import { readResult, resultCategory, resultEventType, resultSeverity, resultVerb, type PolicyResult } from './result-mapping.js';

/** Most `properties` copied into details; adapters put whole alerts there. */
const MAX_PROPERTIES = 20;

/**
 * The dedup key of a policy result: source, policy, rule, result value and the resource
 * (`namespace/Kind/name`). The report's name, the result's timestamp and message are left out:
 * Kyverno rewrites reports on every background scan, and the message carries evaluation
 * detail. The result value is in, because "fails" and "warns" are different findings.
 *
 * @example
 * ```ts
 * resultKey('kyverno', 'disallow-host-namespaces', 'host-namespaces', 'fail', { kind: 'Pod', name: 'web', namespace: 'shop' });
 * // 'kyverno|disallow-host-namespaces|host-namespaces|fail|shop/Pod/web'
 * ```
 */
export function resultKey(source: string | undefined, policy: string, rule: string | undefined, value: PolicyResult, resource: ResourceRef): string {
  return dedupKey([source ?? '', policy, rule ?? '', value, `${resource.namespace ?? ''}/${resource.kind ?? ''}/${resource.name ?? ''}`]);
}

function boundedProperties(properties: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!properties) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(properties).slice(0, MAX_PROPERTIES)) {
    const value = properties[key];
    if (typeof value === 'string') out[key.slice(0, 100)] = clip(value, TEXT.detail);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key.slice(0, 100)] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function mapResult(item: unknown, context: ReportContext, config: KyvernoConfig, tally: Tally, events: SourceEvent[]): void {
  const result = asRecord(item);
  if (!result) {
    tally.skip('invalid_result', { report: context.report });
    return;
  }
  const value = readResult(result.result);
  if (!value) {
    tally.skip('missing_result', { report: context.report, policy: asText(result.policy) });
    return;
  }
  if (!config.results.includes(value)) {
    tally.filter(`result_${value}`);
    return;
  }
  const policy = asText(result.policy);
  const rule = asText(result.rule);
  if (!policy) {
    tally.skip('missing_policy', { report: context.report });
    return;
  }
  const properties = asRecord(result.properties);
  const source = asText(result.source) ?? context.source;
  const policyCategory = asText(result.category);
  const severity = resultSeverity(result, properties, value, config);
  const message = asText(result.message);
  const detectedAt = protoTime(result.timestamp) ?? context.createdAt;
  const headline = title(`Policy ${policy}${rule && rule !== policy ? ` rule ${rule}` : ''} ${resultVerb(value)}`);
  const details = compact({
    policy: detail(policy),
    rule: detail(rule),
    result: value,
    source: detail(source),
    policyCategory: detail(policyCategory),
    scored: typeof result.scored === 'boolean' ? result.scored : undefined,
    resultSeverity: detail(asText(result.severity)),
    properties: boundedProperties(properties),
    report: context.report,
  });
  const resources = resultResources(result, context, tally);
  if (resources.length === 0) tally.skip('no_affected_resource', { report: context.report, policy });
  for (const resource of resources) {
    events.push(
      compact({
        severity,
        category: resultCategory(policyCategory, source, config),
        eventType: resultEventType(value),
        title: headline,
        message: message ? clip(message, TEXT.message) : undefined,
        resource,
        detectedAt,
        dedupKey: resultKey(source, policy, rule, value, resource),
        details,
      }),
    );
  }
}

/**
 * Maps one policy report (PolicyReport, ClusterPolicyReport, OpenReports Report or
 * ClusterReport) to events: one per selected result and affected resource. Malformed objects
 * and results are skipped and counted; this never throws. Repeats within a report (same key)
 * are returned once.
 *
 * @example
 * ```ts
 * const events = mapReport(obj, ctx.config, tallyFor(ctx));
 * ```
 */
export function mapReport(obj: unknown, config: KyvernoConfig, tally: Tally): SourceEvent[] {
  const root = asRecord(obj);
  if (!root) {
    tally.skip('not_an_object');
    return [];
  }
  const context = readReportContext(root, tally);
  if (!context) return [];
  const results = asList(root.results);
  if (results === 'invalid') {
    tally.skip('invalid_results', { report: context.report });
    return [];
  }
  const events: SourceEvent[] = [];
  for (const item of results) mapResult(item, context, config, tally, events);
  const unique = new Map<string, SourceEvent>();
  for (const event of events) if (!unique.has(event.dedupKey)) unique.set(event.dedupKey, event);
  return [...unique.values()];
}
