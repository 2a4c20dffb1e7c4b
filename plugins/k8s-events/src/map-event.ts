import type { SourceEvent } from '@zen-watcher/sdk';
import { asRecord, clip, compact, detail, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { K8sEventsConfig } from './config.js';
import { eventKey } from './event-key.js';
import { classify, compileRules } from './event-rules.js';
import { readEvent } from './event-shape.js';

/**
 * Maps one Kubernetes Event (core `v1` or `events.k8s.io/v1`) to at most one event: Warning
 * events that pass the reason and kind filters, classified by the rules. An event about an
 * object without a name (a kind and a namespace) is a finding on that kind in that namespace. The SourceEvent's
 * `count` is the Event's total count, so the host raises the Observation's count to it rather
 * than counting every update. Malformed objects are skipped and counted; this never throws.
 *
 * @example
 * ```ts
 * const events = mapEvent(obj, ctx.config, tallyFor(ctx));
 * ```
 */
export function mapEvent(obj: unknown, config: K8sEventsConfig, tally: Tally): SourceEvent[] {
  const root = asRecord(obj);
  if (!root) {
    tally.skip('not_an_object');
    return [];
  }
  const view = readEvent(root);
  const where = { event: `${view.namespace ?? ''}/${view.name ?? ''}` };
  // The type first: a Normal event is no finding whatever its shape, and must not be counted as
  // malformed. (The watch asks the API server for type=Warning; this holds for a host, or a
  // test, that delivers other events anyway.)
  if (view.type !== 'Warning') {
    tally.filter('not_warning');
    return [];
  }
  const reason = view.reason;
  if (!reason) {
    tally.skip('missing_reason', where);
    return [];
  }
  if (!view.regarding) {
    tally.skip('missing_involved_object', where);
    return [];
  }
  const compiled = compileRules(config);
  if (compiled.include.length > 0 && !compiled.include.some((m) => m(reason))) {
    tally.filter('reason_not_included');
    return [];
  }
  if (compiled.exclude.some((m) => m(reason))) {
    tally.filter('reason_excluded');
    return [];
  }
  if (compiled.kinds.size > 0 && !compiled.kinds.has(view.regarding.kind ?? '')) {
    tally.filter('kind_not_included');
    return [];
  }

  const { severity, category, eventType, rule } = classify(reason, view.message, compiled, config);
  const { fieldPath, ...resource } = view.regarding;
  return [
    compact<SourceEvent>({
      severity,
      category,
      eventType,
      title: title(view.message ? `${reason}: ${view.message}` : reason),
      message: view.message ? clip(view.message, TEXT.message) : undefined,
      resource,
      detectedAt: view.detectedAt,
      dedupKey: eventKey({ ...view, reason }),
      count: view.count,
      details: compact({
        reason: detail(reason),
        type: view.type,
        count: view.count,
        fieldPath,
        firstTimestamp: view.firstTimestamp,
        lastTimestamp: view.lastTimestamp,
        component: detail(view.component),
        host: detail(view.host),
        reportingController: detail(view.reportingController),
        reportingInstance: detail(view.reportingInstance),
        action: detail(view.action),
        related: view.related,
        rule,
        event: compact({ name: view.name, namespace: view.namespace }),
      }),
    }),
  ];
}
