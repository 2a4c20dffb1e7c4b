import type { ResourceRef } from '@zen-watcher/sdk';
import { asList, asRecord, asText, compact, type Tally } from '@zen-watcher/sdk/helpers';
import { readRef, type ReportContext } from './report-context.js';

/** Most resources taken from one result's `resources` list. */
const MAX_RESOURCES_PER_RESULT = 100;

/**
 * Property names adapters use for the object a result is about, by what they name. KubeArmor's
 * adapter writes `pod_name`/`namespace_name`/`container_name`, falcosidekick copies Falco's
 * output fields (`k8s.pod.name`, `k8s.ns.name`), others use plain `pod`, `node`.
 */
const POD_KEYS = ['pod_name', 'k8s.pod.name', 'podName', 'pod'];
const NAMESPACE_KEYS = ['namespace_name', 'k8s.ns.name', 'ka.target.namespace', 'namespace'];
const NODE_KEYS = ['node_name', 'k8s.node.name', 'nodeName', 'node'];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** One object a result is about, and what of it goes into the dedup key. */
export interface ResultSubject {
  resource: ResourceRef;
  /** `namespace/Kind/name`, or `namespace/selector:<labels>` for a label selector. */
  key: string;
  /** The result's `resourceSelector`, as `k=v,...`, when that is what names the subject. */
  selector?: string;
}

function firstText(properties: Record<string, unknown> | undefined, keys: readonly string[]): string | undefined {
  if (!properties) return undefined;
  for (const key of keys) {
    const value = asText(properties[key]);
    if (value) return value;
  }
  return undefined;
}

const keyOf = (r: ResourceRef): string => `${r.namespace ?? ''}/${r.kind ?? ''}/${r.name ?? ''}`;

/**
 * A label selector as one stable string: `matchLabels` sorted, then `matchExpressions`.
 *
 * @example
 * ```ts
 * selectorText({ matchLabels: { app: 'web', tier: 'db' } }); // 'app=web,tier=db'
 * ```
 */
export function selectorText(value: unknown): string | undefined {
  const selector = asRecord(value);
  if (!selector) return undefined;
  const labels = asRecord(selector.matchLabels) ?? {};
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${String(labels[k])}`);
  const expressions = asList(selector.matchExpressions);
  if (expressions !== 'invalid') {
    for (const item of expressions) {
      const e = asRecord(item);
      const key = asText(e?.key);
      if (!e || !key) continue;
      const values = asList(e.values);
      parts.push(`${key} ${asText(e.operator) ?? ''} (${values === 'invalid' ? '' : values.map(String).sort().join(',')})`.trim());
    }
  }
  return parts.length > 0 ? parts.join(',').slice(0, 1024) : undefined;
}

function fromResources(result: Record<string, unknown>, context: ReportContext, tally: Tally, defaultNamespace?: string): ResourceRef[] {
  const list = asList(result.resources);
  if (list === 'invalid') {
    tally.skip('invalid_resources', { report: context.report });
    return [];
  }
  const refs: ResourceRef[] = [];
  for (const entry of list.slice(0, MAX_RESOURCES_PER_RESULT)) {
    const ref = readRef(entry, defaultNamespace);
    if (ref) refs.push(ref);
    else tally.skip('invalid_resource', { report: context.report });
  }
  if (list.length > MAX_RESOURCES_PER_RESULT) tally.skip('too_many_resources', { report: context.report }, list.length - MAX_RESOURCES_PER_RESULT);
  return refs;
}

function fromProperties(properties: Record<string, unknown> | undefined, defaultNamespace?: string): ResourceRef | undefined {
  const namespace = firstText(properties, NAMESPACE_KEYS) ?? defaultNamespace;
  const pod = firstText(properties, POD_KEYS);
  if (pod) return compact({ apiVersion: 'v1', kind: 'Pod', name: pod.slice(0, 253), namespace: namespace && DNS_LABEL.test(namespace) ? namespace : undefined });
  const node = firstText(properties, NODE_KEYS);
  if (node) return { apiVersion: 'v1', kind: 'Node', name: node.slice(0, 253) };
  return undefined;
}

/**
 * The objects one result is about, from every place producers put them, first found wins:
 *
 * 1. the result's `resources` (one subject each, at most 100);
 * 2. its `resourceSelector` (a label selector: the subject is the selector within the report's
 *    scope or the report, and the selector goes into the key);
 * 3. adapter `properties` naming a pod or a node (KubeArmor, falcosidekick);
 * 4. the report's `scope` (Kyverno ≥ 1.11 writes one report per resource);
 * 5. the report itself (CIS-style reports that name no object).
 *
 * In a namespaced report a subject without a namespace is in the report's namespace.
 *
 * @example
 * ```ts
 * for (const { resource, key } of resultSubjects(result, properties, context, tally)) { ... }
 * ```
 */
export function resultSubjects(result: Record<string, unknown>, properties: Record<string, unknown> | undefined, context: ReportContext, tally: Tally): ResultSubject[] {
  const defaultNamespace = context.namespaced ? context.report.namespace : undefined;
  const listed = fromResources(result, context, tally, defaultNamespace);
  if (listed.length > 0) return listed.map((resource) => ({ resource, key: keyOf(resource) }));
  const { apiVersion, kind, name, namespace } = context.report;
  const report = name && kind ? compact({ apiVersion, kind, name, namespace }) : undefined;
  const selector = selectorText(result.resourceSelector);
  if (selector) {
    const resource = context.scope ?? report;
    return resource ? [{ resource, key: `${resource.namespace ?? ''}/selector:${selector}`, selector }] : [];
  }
  const named = fromProperties(properties, defaultNamespace);
  if (named) return [{ resource: named, key: keyOf(named) }];
  const fallback = context.scope ?? report;
  return fallback ? [{ resource: fallback, key: keyOf(fallback) }] : [];
}
