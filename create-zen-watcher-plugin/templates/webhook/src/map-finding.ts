import { LIMITS, type SourceEvent } from '@zen-watcher/sdk';
import type { Finding } from './finding.js';
import type { Config } from './config.js';

/** One finding of the tool as a zen-watcher event. */
export function toEvent(finding: Finding, config: Config): SourceEvent {
  const r = finding.resource;
  return {
    severity: finding.severity,
    category: config.category,
    eventType: '{{snakeName}}_finding',
    // An event over a limit is dropped, not cut: cut the strings here.
    title: finding.title.slice(0, LIMITS.titleLength),
    message: finding.description?.slice(0, LIMITS.messageLength),
    resource: r ? { kind: r.kind, name: r.name, namespace: r.namespace } : undefined,
    detectedAt: finding.detectedAt,
    details: { id: finding.id },
    // What makes it the same finding: the tool's id and the object it is about, never a time.
    dedupKey: `${r ? `${r.namespace ?? ''}/${r.kind}/${r.name}` : '-'}/${finding.id}`.slice(0, LIMITS.dedupKeyLength),
  };
}
