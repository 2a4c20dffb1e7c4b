import type { ResourceRef } from '@zen-watcher/sdk';
import { kindOf } from '@zen-watcher/sdk/helpers';
import { fieldText, type OutputFields } from './alert-fields.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAMESPACE_IN_URI = /\/namespaces\/([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(?:\/|\?|$)/;

/**
 * The Kubernetes object an alert is about.
 *
 * - k8saudit alerts: the audited object (`ka.target.*`); a missing namespace is read from
 *   `ka.uri` (some k8saudit plugins leave `ka.target.namespace` out).
 * - syscall alerts in a pod: the Pod (`k8s.pod.name`, `k8s.ns.name`).
 * - syscall alerts in a container outside Kubernetes: `kind: Container`, named by
 *   `container.name` or `container.id`.
 * - host alerts: none (the hostname is in the details).
 *
 * A namespace that is not a valid DNS label is left out rather than trusted, since it decides
 * where the Observation is written.
 *
 * @example
 * ```ts
 * resourceOf({ 'k8s.pod.name': 'web-0', 'k8s.ns.name': 'shop' }, false);
 * // { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' }
 * ```
 */
export function resourceOf(fields: OutputFields, k8sAudit: boolean): ResourceRef | undefined {
  if (k8sAudit) {
    const plural = fieldText(fields, 'ka.target.resource');
    if (plural) {
      const { kind, apiVersion } = kindOf(plural);
      const uri = fieldText(fields, 'ka.uri');
      const namespace = fieldText(fields, 'ka.target.namespace') ?? (uri ? NAMESPACE_IN_URI.exec(uri)?.[1] : undefined);
      return build({ apiVersion, kind, name: fieldText(fields, 'ka.target.name'), namespace });
    }
  }
  const pod = fieldText(fields, 'k8s.pod.name');
  if (pod) return build({ apiVersion: 'v1', kind: 'Pod', name: pod, namespace: fieldText(fields, 'k8s.ns.name') });
  const containerId = fieldText(fields, 'container.id');
  if (containerId && containerId !== 'host') {
    return build({ kind: 'Container', name: fieldText(fields, 'container.name') ?? containerId });
  }
  return undefined;
}

function build(r: { apiVersion?: string; kind: string; name?: string; namespace?: string }): ResourceRef {
  const out: ResourceRef = { kind: r.kind.slice(0, 253) };
  if (r.apiVersion) out.apiVersion = r.apiVersion;
  if (r.name && r.name.length <= 253) out.name = r.name;
  if (r.namespace && DNS_LABEL.test(r.namespace)) out.namespace = r.namespace;
  return out;
}

/**
 * A stable text form of a resource for dedup keys.
 *
 * @example
 * ```ts
 * resourceKey({ kind: 'Pod', name: 'web-0', namespace: 'shop' }); // 'Pod/shop/web-0'
 * ```
 */
export function resourceKey(r: ResourceRef | undefined): string {
  return r ? `${r.kind ?? ''}/${r.namespace ?? ''}/${r.name ?? ''}` : '';
}
