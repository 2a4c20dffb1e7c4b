import { dedupKey } from '@zen-watcher/sdk/helpers';
import type { AuditView } from './audit-view.js';
import type { AuditRule } from './rules.js';

/**
 * What an operator calls "the same finding" of an audit rule: the rule, who (the authenticated
 * user and, when there is one, the impersonated user), the verb, the object (resource and
 * subresource, group, namespace, name; the path of a non-resource request) and the outcome
 * (allowed, or the refusing status code). The `auditID`, the times, the source IP and the user
 * agent are left out: a controller re-applying a RoleBinding every 30 s is one finding whose
 * count rises, not thousands a day.
 *
 * @example
 * ```ts
 * findingKey(viewOf(event), rule);
 * // 'audit|rbacChange|system:serviceaccount:ci:deployer||update|rolebindings|rbac.authorization.k8s.io|shop|web|allowed'
 * ```
 */
export function findingKey(v: AuditView, rule: AuditRule): string {
  const object = v.resource ? `${v.resource}${v.subresource ? `/${v.subresource}` : ''}` : (v.event.requestURI ?? '').split('?')[0] || '/';
  return dedupKey([
    'audit',
    rule.name,
    v.authUser,
    v.impersonated ? v.user : '',
    v.verb,
    object,
    v.group,
    v.namespace ?? '',
    v.name ?? '',
    v.succeeded ? 'allowed' : String(v.code),
  ]);
}

/** How many request ids an instance remembers to recognise a re-delivery. */
const REMEMBERED = 10_000;

/**
 * The requests an instance saw last, by `auditID` and rule, so that the same request arriving
 * again is not a second occurrence: an exec session reported at `ResponseStarted` and again at
 * `ResponseComplete`, or a batch the API server re-sends after a failed delivery. Bounded: the
 * oldest ids are forgotten first; a re-delivery to another replica is counted again there.
 *
 * @example
 * ```ts
 * const seen = new RecentRequests();
 * seen.firstTime('a1|podExec'); // true
 * seen.firstTime('a1|podExec'); // false
 * ```
 */
export class RecentRequests {
  private readonly ids = new Set<string>();

  constructor(private readonly max = REMEMBERED) {}

  /** True the first time `id` is seen (and remembers it), false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}
