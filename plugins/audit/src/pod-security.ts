import { prop, str } from './audit-view.js';

/**
 * Resources whose objects hold a pod spec, and where it is. Workload templates are included so
 * a privileged Deployment is reported when it is written, not only once its pods appear.
 */
const POD_SPEC_PATH: ReadonlyMap<string, readonly string[]> = new Map([
  ['pods', ['spec']],
  ['podtemplates', ['template', 'spec']],
  ['replicationcontrollers', ['spec', 'template', 'spec']],
  ['deployments', ['spec', 'template', 'spec']],
  ['daemonsets', ['spec', 'template', 'spec']],
  ['statefulsets', ['spec', 'template', 'spec']],
  ['replicasets', ['spec', 'template', 'spec']],
  ['jobs', ['spec', 'template', 'spec']],
  ['cronjobs', ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
]);

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
const MAX_CONTAINERS = 64;

/**
 * True for resources that carry a pod spec.
 *
 * @example
 * ```ts
 * holdsPodSpec('deployments'); // true
 * ```
 */
export function holdsPodSpec(resource: string): boolean {
  return POD_SPEC_PATH.has(resource);
}

/**
 * What makes a pod spec dangerous: `hostNetwork`, `hostPID`, `hostIPC`, and each privileged
 * container (`privileged container nginx`). Reads the request object of a create, update or
 * merge patch; a JSON patch (an array of operations) is not interpreted. Only own properties
 * are read and lists are bounded, so a hostile object costs little.
 *
 * @example
 * ```ts
 * podSpecRisks('pods', { spec: { hostPID: true, containers: [{ name: 'c', securityContext: { privileged: true } }] } });
 * // ['hostPID', 'privileged container c']
 * ```
 */
export function podSpecRisks(resource: string, object: unknown): string[] {
  const path = POD_SPEC_PATH.get(resource);
  if (!path) return [];
  let spec: unknown = object;
  for (const key of path) spec = prop(spec, key);
  if (spec === undefined) return [];
  const risks: string[] = [];
  for (const field of HOST_NAMESPACES) if (prop(spec, field) === true) risks.push(field);
  for (const list of CONTAINER_LISTS) {
    const containers = prop(spec, list);
    if (!Array.isArray(containers)) continue;
    for (const c of containers.slice(0, MAX_CONTAINERS)) {
      if (prop(prop(c, 'securityContext'), 'privileged') === true) {
        risks.push(`privileged container ${(str(c, 'name') ?? '?').slice(0, 63)}`);
      }
    }
  }
  return risks;
}
