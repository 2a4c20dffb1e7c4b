import type { SourceEvent } from '@zen-watcher/sdk';
import { asList, asRecord, asText, clip, compact, dedupKey, detail, mergeSameKey, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { KyvernoConfig } from './config.js';
import { protoTime } from './event-time.js';
import { readReportContext, type ReportContext } from './report-context.js';
import { checkIdOf, identityOf } from './result-identity.js';
import { resultCategory, resultEventType, resultSeverity, resultValueOf, resultVerb, type PolicyResult } from './result-mapping.js';
import { resultSubjects } from './result-subject.js';

/** Most `properties` copied into details; adapters put whole alerts there. */
const MAX_PROPERTIES = 20;

/**
 * The dedup key of a policy result: source, policy, rule, result value, the subject
 * (`namespace/Kind/name`, or a label selector) and, when the result has any, its identifying
 * properties (see `identityOf`: kube-bench's check index, KubeArmor's container and process).
 * The report's name, the result's timestamp and message are left out: Kyverno rewrites reports
 * on every background scan, and the message carries evaluation detail. The result value is in,
 * because "fails" and "warns" are different findings.
 *
 * @example
 * ```ts
 * resultKey('kyverno', 'disallow-host-namespaces', 'host-namespaces', 'fail', 'shop/Pod/web');
 * // 'kyverno|disallow-host-namespaces|host-namespaces|fail|shop/Pod/web'
 * resultKey('kube-bench', 'Master Node Security Configuration', 'Master Node Configuration Files', 'fail', 'default/PolicyReport/cis', 'index=1.1.1');
 * // '...|fail|default/PolicyReport/cis|index=1.1.1'
 * ```
 */
export function resultKey(source: string | undefined, policy: string, rule: string | undefined, value: PolicyResult, subject: string, identity?: string): string {
  const parts = [source ?? '', policy, rule ?? '', value, subject];
  return dedupKey(identity ? [...parts, identity] : parts);
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

function headlineOf(policy: string, rule: string | undefined, value: PolicyResult, checkId: string | undefined, message: string | undefined): string {
  // A check an adapter names (kube-bench's 1.1.12) says more than its section's policy and rule.
  if (checkId && message) return title(`${checkId} ${resultVerb(value)}: ${message}`);
  return title(`Policy ${policy}${rule && rule !== policy ? ` rule ${rule}` : ''} ${resultVerb(value)}`);
}

function mapResult(item: unknown, context: ReportContext, config: KyvernoConfig, tally: Tally, events: SourceEvent[]): void {
  const result = asRecord(item);
  if (!result) {
    tally.skip('invalid_result', { report: context.report });
    return;
  }
  const value = resultValueOf(result);
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
  // The first v1alpha1 drafts called `properties` `data` (the RHACM sample still does).
  const properties = asRecord(result.properties) ?? asRecord(result.data);
  const source = asText(result.source) ?? context.source;
  const policyCategory = asText(result.category);
  const message = asText(result.message);
  const identity = identityOf(properties);
  const subjects = resultSubjects(result, properties, context, tally);
  if (subjects.length === 0) {
    tally.skip('no_affected_resource', { report: context.report, policy });
    return;
  }
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
  const base = {
    severity: resultSeverity(result, properties, value, config),
    category: resultCategory(policyCategory, source, config),
    eventType: resultEventType(value),
    title: headlineOf(policy, rule, value, checkIdOf(properties), message),
    message: message ? clip(message, TEXT.message) : undefined,
    // Go's zero timestamp and other unbelievable times fall back to the report's.
    detectedAt: protoTime(result.timestamp) ?? context.createdAt,
  };
  for (const { resource, key, selector } of subjects) {
    events.push(
      compact({
        ...base,
        resource,
        dedupKey: resultKey(source, policy, rule, value, key, identity),
        details: selector ? { ...details, resourceSelector: detail(selector) } : details,
      }),
    );
  }
}

/**
 * Maps one policy report (PolicyReport, ClusterPolicyReport, OpenReports Report or
 * ClusterReport, any served version) to events: one per selected result and subject. Malformed
 * objects and results are skipped and counted; this never throws. Results of one report that
 * share a dedup key (an adapter that appends an entry per occurrence) are one finding whose
 * `count` is the number of entries, counted as `merged_total{reason="same_finding"}`.
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
  return mergeSameKey(events, tally, { reason: 'same_finding', where: { report: context.report }, asOccurrences: true });
}
