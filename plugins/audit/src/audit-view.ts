import type { ResourceRef } from '@zen-watcher/sdk';
import { kindOf, normalizeTime } from '@zen-watcher/sdk/helpers';
import type { AuditEvent } from './body.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * One audit event with what the rules ask about worked out once: lower-cased verb and
 * resource, the effective user, the outcome and the object's name (for a `create` it is only in
 * the request or response object).
 */
export interface AuditView {
  readonly event: AuditEvent;
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string;
  readonly group: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Who the request acted as: the impersonated user when there is one. */
  readonly user: string;
  /** Who authenticated. */
  readonly authUser: string;
  readonly impersonated: boolean;
  readonly anonymous: boolean;
  readonly code?: number;
  /** No response code (level None for it) or one below 400. */
  readonly succeeded: boolean;
  /** The request body (level Request and above), else the response body. */
  readonly object: unknown;
}

/**
 * Reads a property of an object from the payload; only own properties, so `constructor` or
 * `__proto__` never resolve to anything inherited.
 *
 * @example
 * ```ts
 * prop({ a: 1 }, 'a'); // 1
 * prop({}, 'constructor'); // undefined
 * ```
 */
export function prop(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/**
 * A string property, or undefined.
 *
 * @example
 * ```ts
 * str({ kind: 'Pod' }, 'kind'); // 'Pod'
 * ```
 */
export function str(value: unknown, key: string): string | undefined {
  const v = prop(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Builds the view of one event.
 *
 * @example
 * ```ts
 * viewOf(event).user; // 'bob' when system:admin impersonates bob
 * ```
 */
export function viewOf(event: AuditEvent): AuditView {
  const ref = event.objectRef;
  const object = event.requestObject ?? event.responseObject;
  const response = event.responseObject;
  const authUser = event.user?.username ?? '';
  const impersonatedUser = event.impersonatedUser?.username;
  const code = event.responseStatus?.code;
  const groups = event.user?.groups ?? [];
  return {
    event,
    verb: event.verb.toLowerCase(),
    resource: (ref?.resource ?? '').toLowerCase(),
    subresource: (ref?.subresource ?? '').toLowerCase(),
    group: ref?.apiGroup ?? '',
    namespace: ref?.namespace ?? str(prop(response, 'metadata'), 'namespace') ?? str(prop(event.requestObject, 'metadata'), 'namespace'),
    name: ref?.name ?? str(prop(response, 'metadata'), 'name') ?? str(prop(event.requestObject, 'metadata'), 'name'),
    user: impersonatedUser ?? authUser,
    authUser,
    impersonated: impersonatedUser !== undefined,
    anonymous: authUser === 'system:anonymous' || (authUser === '' && groups.includes('system:unauthenticated')),
    code,
    succeeded: code === undefined || code < 400,
    object,
  };
}

/**
 * The event's time: when the request was received (for a long watch or exec session, when it
 * began), falling back to the stage time and to the v1beta1 `timestamp`.
 *
 * @example
 * ```ts
 * detectedAtOf(event, req.receivedAt); // '2018-10-26T13:38:34.867Z'
 * ```
 */
export function detectedAtOf(event: AuditEvent, receivedAt: string): string {
  return (
    normalizeTime(event.requestReceivedTimestamp) ??
    normalizeTime(event.stageTimestamp) ??
    normalizeTime(event.timestamp) ??
    normalizeTime(event.metadata?.creationTimestamp) ??
    normalizeTime(receivedAt) ??
    new Date().toISOString()
  );
}

// Kinds an object may carry that are not the object's kind (the response to a delete).
const NOT_THE_OBJECT = /^(?:Status|DeleteOptions|.*Options|.*List)$/;

/**
 * The affected object from `objectRef`: apiGroup/apiVersion as `apiVersion`, the resource as a
 * kind (`clusterrolebindings` → `ClusterRoleBinding`; the object's own kind for resources the
 * table does not know), name and namespace. Undefined for non-resource requests (`/healthz`).
 *
 * @example
 * ```ts
 * resourceOf(viewOf(event)); // { apiVersion: 'v1', kind: 'Secret', name: 'x', namespace: 'kube-system' }
 * ```
 */
export function resourceOf(v: AuditView): ResourceRef | undefined {
  if (!v.resource) return undefined;
  const ref = v.event.objectRef;
  const known = kindOf(v.resource);
  const objectKind = str(v.event.requestObject, 'kind') ?? str(v.event.responseObject, 'kind');
  const kind = known.apiVersion || !objectKind || NOT_THE_OBJECT.test(objectKind) ? known.kind : objectKind;
  const version = ref?.apiVersion;
  const apiVersion = version ? (v.group ? `${v.group}/${version}` : version) : known.apiVersion;
  const out: ResourceRef = { kind: kind.slice(0, 253) };
  if (apiVersion) out.apiVersion = apiVersion.slice(0, 253);
  if (v.name && v.name.length <= 253) out.name = v.name;
  // The namespace decides where the Observation is written; only a valid one is trusted.
  if (v.namespace && DNS_LABEL.test(v.namespace)) out.namespace = v.namespace;
  return out;
}
