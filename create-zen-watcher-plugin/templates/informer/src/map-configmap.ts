import { LIMITS, SEVERITIES, type KubeObject, type Severity, type SourceEvent } from '@zen-watcher/sdk';
import type { Config } from './config.js';

/** Why a ConfigMap gave no finding; counted in skipped_total{reason}. */
export type SkipReason = 'no_finding';

/**
 * The finding a ConfigMap holds: `data.finding` names it, `data.severity` and `data.message`
 * describe it. Replace this with the objects your plugin watches.
 */
export function findingOf(obj: KubeObject, config: Config): SourceEvent | SkipReason {
  const data = (obj.data ?? {}) as Record<string, unknown>;
  const finding = typeof data.finding === 'string' ? data.finding.trim() : '';
  if (!finding) return 'no_finding';
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace ?? '';
  const severity = SEVERITIES.includes(data.severity as Severity) ? (data.severity as Severity) : config.severity;
  return {
    severity,
    category: 'operations',
    eventType: '{{snakeName}}_finding',
    title: `${finding} in ConfigMap ${namespace}/${name}`.slice(0, LIMITS.titleLength),
    message: typeof data.message === 'string' ? data.message.slice(0, LIMITS.messageLength) : undefined,
    resource: { apiVersion: 'v1', kind: 'ConfigMap', name, namespace, uid: obj.metadata?.uid },
    detectedAt: obj.metadata?.creationTimestamp,
    details: { finding },
    // What makes it the same finding: the object and what is wrong with it, never a time.
    dedupKey: `${namespace}/${name}/${finding}`.slice(0, LIMITS.dedupKeyLength),
  };
}
