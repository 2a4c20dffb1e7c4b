import type { Severity } from '@zen-watcher/sdk';
import { clipPayload, kindOf } from '@zen-watcher/sdk/helpers';
import { prop, str, type AuditView } from './audit-view.js';
import type { AuditConfig, RuleName } from './config.js';
import { holdsPodSpec, podSpecRisks } from './pod-security.js';

/** What a matching rule says about one audit event. */
export interface RuleMatch {
  /** The rule's own severity; a configured override replaces it. */
  severity: Severity;
  title: string;
  details?: Record<string, unknown>;
}

/** A detection rule over audit events. */
export interface AuditRule {
  name: RuleName;
  eventType: string;
  /** Stages the rule looks at. */
  stages: ReadonlySet<string>;
  match(v: AuditView, rules: AuditConfig['rules']): RuleMatch | undefined;
}

const DONE = new Set(['ResponseComplete', 'Panic']);
// An exec session's ResponseComplete comes when it ends, maybe hours later, so the session is
// also reported when it opens; both carry one dedup key and count 1, so they are one finding.
const CONNECT_STAGES = new Set(['ResponseStarted', 'ResponseComplete', 'Panic']);
const CONNECT = new Set(['exec', 'attach', 'portforward']);
const WRITE = new Set(['create', 'update', 'patch']);
const DELETE = new Set(['delete', 'deletecollection']);
const READ = new Set(['get', 'list', 'watch']);
const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC = new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']);
const SENSITIVE_DELETE = new Set([
  'namespaces',
  'nodes',
  'persistentvolumes',
  'customresourcedefinitions',
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
]);
// Probes every load balancer sends unauthenticated, allowed to anyone by system:public-info-viewer.
const PUBLIC_PATH = /^\/(?:healthz|livez|readyz|version|\.well-known\/openid-configuration|openid\/v1\/jwks)(?:[/?]|$)/;

const PAST: Readonly<Record<string, string>> = {
  create: 'created',
  update: 'updated',
  patch: 'patched',
  delete: 'deleted',
  deletecollection: 'deleted',
  get: 'read',
  list: 'listed',
  watch: 'watched',
};

function past(verb: string): string {
  return Object.hasOwn(PAST, verb) ? PAST[verb] : verb;
}

function who(v: AuditView): string {
  return clipPayload(v.user || 'unknown user', 64);
}

function kind(v: AuditView): string {
  return kindOf(v.resource).kind;
}

/** `ns/name`, `name`, `in ns` or `in all namespaces`. */
function target(v: AuditView): string {
  const name = v.name ? clipPayload(v.name, 80) : undefined;
  if (name) return v.namespace ? `${clipPayload(v.namespace, 63)}/${name}` : name;
  return v.namespace ? `in ${clipPayload(v.namespace, 63)}` : 'in all namespaces';
}

/** What was asked for: `secrets in ns1`, `pods/exec default/web`, or the path of a non-resource request. */
function what(v: AuditView): string {
  if (!v.resource) return clipPayload((v.event.requestURI ?? '').split('?')[0] || '/', 80);
  const res = v.subresource ? `${v.resource}/${v.subresource}` : v.resource;
  return `${clipPayload(res, 64)} ${target(v)}`;
}

function rbacEscalation(v: AuditView): string | undefined {
  if (v.name === 'cluster-admin') return 'cluster-admin';
  for (const obj of [v.event.requestObject, v.event.responseObject]) {
    if (str(prop(obj, 'roleRef'), 'name') === 'cluster-admin') return 'cluster-admin';
    const rules = prop(obj, 'rules');
    if (!Array.isArray(rules)) continue;
    for (const r of rules.slice(0, 256)) {
      const verbs = prop(r, 'verbs');
      const resources = prop(r, 'resources');
      if (Array.isArray(verbs) && verbs.includes('*') && Array.isArray(resources) && resources.includes('*')) return 'wildcard rule';
    }
  }
  return undefined;
}

function rbacDetails(v: AuditView): Record<string, unknown> {
  const obj = v.event.requestObject ?? v.event.responseObject;
  const out: Record<string, unknown> = {};
  const roleRef = prop(obj, 'roleRef');
  if (roleRef !== undefined) out.roleRef = { kind: clipPayload(str(roleRef, 'kind') ?? '', 64), name: clipPayload(str(roleRef, 'name') ?? '', 253) };
  const subjects = prop(obj, 'subjects');
  if (Array.isArray(subjects)) {
    out.subjects = subjects.slice(0, 10).map((s) => ({
      kind: clipPayload(str(s, 'kind') ?? '', 64),
      name: clipPayload(str(s, 'name') ?? '', 253),
      ...(str(s, 'namespace') ? { namespace: clipPayload(str(s, 'namespace')!, 63) } : {}),
    }));
  }
  return out;
}

function connectDetails(v: AuditView): Record<string, unknown> {
  const uri = v.event.requestURI ?? '';
  const q = uri.indexOf('?');
  if (q === -1) return {};
  const params = new URLSearchParams(uri.slice(q + 1, q + 1 + 4096));
  const out: Record<string, unknown> = {};
  const command = params.getAll('command');
  if (command.length > 0) out.command = clipPayload(command.join(' '), 512);
  const container = params.get('container');
  if (container) out.container = clipPayload(container, 253);
  const ports = params.getAll('ports');
  if (ports.length > 0) out.ports = clipPayload(ports.join(','), 128);
  return out;
}

/**
 * The rules, most significant first. One audit event can match several (a denied secret list
 * is `denied` only: the "did happen" rules require a response code below 400).
 *
 * @example
 * ```ts
 * RULES.map((r) => r.name); // ['privilegedPod', 'rbacChange', ...]
 * ```
 */
export const RULES: readonly AuditRule[] = [
  {
    name: 'privilegedPod',
    eventType: 'privileged_pod',
    stages: DONE,
    match(v) {
      if (!WRITE.has(v.verb) || !v.succeeded || !holdsPodSpec(v.resource) || !['', 'apps', 'batch'].includes(v.group)) return undefined;
      if (v.subresource !== '' && v.subresource !== 'ephemeralcontainers') return undefined;
      const risks = podSpecRisks(v.resource, v.object);
      if (risks.length === 0) return undefined;
      const label = v.resource === 'pods' ? 'pod' : kind(v);
      return { severity: 'high', title: `Privileged ${label} ${past(v.verb)}: ${target(v)}`, details: { risks } };
    },
  },
  {
    name: 'rbacChange',
    eventType: 'rbac_change',
    stages: DONE,
    match(v) {
      if (v.group !== RBAC_GROUP || !RBAC.has(v.resource) || v.subresource !== '' || !v.succeeded) return undefined;
      if (!WRITE.has(v.verb) && !DELETE.has(v.verb)) return undefined;
      const escalation = rbacEscalation(v);
      const suffix = escalation ? ` (${escalation})` : '';
      return {
        severity: escalation ? 'high' : 'medium',
        title: `RBAC ${kind(v)} ${target(v)} ${past(v.verb)} by ${who(v)}${suffix}`,
        details: { ...rbacDetails(v), ...(escalation ? { escalation } : {}) },
      };
    },
  },
  {
    name: 'podExec',
    eventType: 'pod_exec',
    stages: CONNECT_STAGES,
    match(v) {
      if (v.resource !== 'pods' || !CONNECT.has(v.subresource) || !v.succeeded) return undefined;
      return { severity: 'medium', title: `${v.subresource} into pod ${target(v)} by ${who(v)}`, details: connectDetails(v) };
    },
  },
  {
    name: 'secretRead',
    eventType: 'secret_read',
    stages: DONE,
    match(v) {
      if (v.resource !== 'secrets' || v.group !== '' || v.subresource !== '' || !READ.has(v.verb) || !v.succeeded) return undefined;
      const title = v.name ? `Secret ${target(v)} read by ${who(v)}` : `Secrets ${target(v)} ${past(v.verb)} by ${who(v)}`;
      return { severity: 'medium', title };
    },
  },
  {
    name: 'secretWrite',
    eventType: 'secret_write',
    stages: DONE,
    match(v) {
      if (v.resource !== 'secrets' || v.group !== '' || v.subresource !== '' || !WRITE.has(v.verb) || !v.succeeded) return undefined;
      return { severity: 'medium', title: `Secret ${target(v)} ${past(v.verb)} by ${who(v)}` };
    },
  },
  {
    name: 'configMapWrite',
    eventType: 'configmap_write',
    stages: DONE,
    match(v) {
      if (v.resource !== 'configmaps' || v.group !== '' || v.subresource !== '' || !WRITE.has(v.verb) || !v.succeeded) return undefined;
      return { severity: 'low', title: `ConfigMap ${target(v)} ${past(v.verb)} by ${who(v)}` };
    },
  },
  {
    name: 'deletion',
    eventType: 'resource_deletion',
    stages: DONE,
    match(v, rules) {
      if (!DELETE.has(v.verb) || !v.resource || v.subresource !== '' || !v.succeeded) return undefined;
      // RBAC objects are the rbacChange rule's, when it is on: one finding, not two.
      if (rules.rbacChange.enabled && v.group === RBAC_GROUP && RBAC.has(v.resource)) return undefined;
      const severity: Severity = SENSITIVE_DELETE.has(v.resource) ? 'medium' : 'low';
      const title =
        v.verb === 'deletecollection'
          ? `${kind(v)} collection ${target(v)} deleted by ${who(v)}`
          : `${kind(v)} ${target(v)} deleted by ${who(v)}`;
      return { severity, title };
    },
  },
  {
    name: 'anonymous',
    eventType: 'anonymous_request',
    stages: DONE,
    match(v) {
      if (!v.anonymous) return undefined;
      if (!v.resource && PUBLIC_PATH.test(v.event.requestURI ?? '')) return undefined;
      const severity: Severity = !v.succeeded ? 'low' : v.resource ? 'high' : 'medium';
      const outcome = v.code === undefined ? '' : ` (${v.code})`;
      return { severity, title: `Anonymous ${v.verb} ${what(v)}${outcome}` };
    },
  },
  {
    name: 'denied',
    eventType: 'access_denied',
    stages: DONE,
    match(v, rules) {
      if (v.code !== 401 && v.code !== 403) return undefined;
      if (v.anonymous && rules.anonymous.enabled) return undefined;
      const user = v.user ? who(v) : 'unauthenticated';
      return { severity: 'low', title: `Denied (${v.code}): ${user} ${v.verb} ${what(v)}` };
    },
  },
];

/**
 * True when an event of this stage is looked at by some rule; everything else is dropped early.
 *
 * @example
 * ```ts
 * isEvaluated('RequestReceived', 'pods', 'exec'); // false
 * ```
 */
export function isEvaluated(stage: string, resource: string, subresource: string): boolean {
  if (DONE.has(stage)) return true;
  return stage === 'ResponseStarted' && resource === 'pods' && CONNECT.has(subresource);
}
