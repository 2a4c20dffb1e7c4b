import type { SourceEvent } from '@zen-watcher/sdk';
import { clipPayload, payloadLine } from '@zen-watcher/sdk/helpers';
import { detectedAtOf, prop, resourceOf, viewOf, type AuditView } from './audit-view.js';
import type { AuditEvent } from './body.js';
import type { AuditConfig } from './config.js';
import type { DropTally } from './drop-counter.js';
import { findingKey, type RecentRequests } from './finding-key.js';
import { RULES, isEvaluated, type AuditRule, type RuleMatch } from './rules.js';
import { userMatches } from './user-match.js';

function userDetails(user: AuditEvent['user'] | null | undefined): Record<string, unknown> | undefined {
  if (!user) return undefined;
  const out: Record<string, unknown> = { username: clipPayload(user.username ?? '', 256) };
  if (user.groups?.length) out.groups = user.groups.slice(0, 16).map((g) => clipPayload(g, 128));
  return out;
}

function objectRefDetails(ref: AuditEvent['objectRef']): Record<string, string> | undefined {
  if (!ref) return undefined;
  const out: Record<string, string> = {};
  for (const key of ['apiGroup', 'apiVersion', 'resource', 'subresource', 'namespace', 'name', 'uid'] as const) {
    const value = ref[key];
    if (value) out[key] = clipPayload(value, 253);
  }
  return out;
}

/** The parts of the audit event an operator reads first; bounded (a few KB at most). */
function commonDetails(v: AuditView, rule: AuditRule): Record<string, unknown> {
  const e = v.event;
  const d: Record<string, unknown> = { rule: rule.name, auditID: clipPayload(e.auditID, 128), stage: clipPayload(e.stage, 32), verb: clipPayload(e.verb, 32) };
  if (e.level) d.level = clipPayload(e.level, 32);
  const user = userDetails(e.user);
  if (user) d.user = user;
  const impersonated = userDetails(e.impersonatedUser);
  if (impersonated) d.impersonatedUser = impersonated;
  if (e.sourceIPs?.length) d.sourceIPs = e.sourceIPs.slice(0, 8).map((ip) => clipPayload(ip, 64));
  if (e.userAgent) d.userAgent = clipPayload(e.userAgent, 256);
  if (e.requestURI) d.requestURI = clipPayload(e.requestURI, 1024);
  const ref = objectRefDetails(e.objectRef);
  if (ref) d.objectRef = ref;
  if (v.code !== undefined) d.responseCode = v.code;
  if (e.responseStatus?.reason) d.responseReason = clipPayload(e.responseStatus.reason, 128);
  const decision = prop(e.annotations, 'authorization.k8s.io/decision');
  if (typeof decision === 'string') d.authorizationDecision = clipPayload(decision, 32);
  const reason = prop(e.annotations, 'authorization.k8s.io/reason');
  if (typeof reason === 'string' && reason) d.authorizationReason = clipPayload(reason, 512);
  return d;
}

/** One sentence with the whole request, for the Observation's description. */
function messageOf(v: AuditView): string {
  const e = v.event;
  const as = v.impersonated ? ` (as ${clipPayload(v.user, 128)})` : '';
  const from = e.sourceIPs?.length ? ` from ${e.sourceIPs.slice(0, 3).map((ip) => clipPayload(ip, 64)).join(', ')}` : '';
  const outcome = v.code === undefined ? '' : ` → ${v.code}`;
  const status = e.responseStatus?.message ? `: ${clipPayload(e.responseStatus.message, 512)}` : '';
  return clipPayload(`${clipPayload(v.authUser || 'unknown user', 256)}${as} ${e.verb} ${clipPayload(e.requestURI ?? '', 1024)}${from}${outcome}${status}`, 2048);
}

function toEvent(v: AuditView, rule: AuditRule, m: RuleMatch, config: AuditConfig, receivedAt: string): SourceEvent {
  const event: SourceEvent = {
    severity: config.rules[rule.name].severity ?? m.severity,
    category: 'security',
    eventType: rule.eventType,
    title: payloadLine(m.title, 160),
    message: payloadLine(messageOf(v), 2048),
    detectedAt: detectedAtOf(v.event, receivedAt),
    details: { ...commonDetails(v, rule), ...m.details },
    // No `count`: every request is one more occurrence of its finding, counted by the host.
    dedupKey: findingKey(v, rule),
  };
  const resource = resourceOf(v);
  if (resource) event.resource = resource;
  return event;
}

/**
 * Runs the enabled rules over one audit event and returns an event per matching rule. Events of
 * stages no rule looks at, events no rule reports, and requests `seen` already reported under a
 * rule (a re-delivery, an exec session's second stage) are tallied in `drops`.
 *
 * @example
 * ```ts
 * const drops = new DropTally();
 * const events = mapAuditEvent(auditEvent, ctx.config, req.receivedAt, drops, seen);
 * ```
 */
export function mapAuditEvent(e: AuditEvent, config: AuditConfig, receivedAt: string, drops: DropTally, seen?: RecentRequests): SourceEvent[] {
  if (!isEvaluated(e.stage, (e.objectRef?.resource ?? '').toLowerCase(), (e.objectRef?.subresource ?? '').toLowerCase())) {
    drops.add('stage');
    return [];
  }
  const v = viewOf(e);
  const out: SourceEvent[] = [];
  let ignored = false;
  let repeated = false;
  for (const rule of RULES) {
    const settings = config.rules[rule.name];
    if (!settings.enabled || !rule.stages.has(e.stage)) continue;
    const m = rule.match(v, config.rules);
    if (!m) continue;
    // The authenticated user decides: an admin impersonating a controller is still reported.
    if (!v.impersonated && userMatches(v.authUser, settings.ignoreUsers)) {
      ignored = true;
      continue;
    }
    if (seen && !seen.firstTime(`${e.auditID}|${rule.name}`)) {
      repeated = true;
      continue;
    }
    out.push(toEvent(v, rule, m, config, receivedAt));
  }
  if (out.length === 0) drops.add(repeated ? 'repeat_delivery' : ignored ? 'ignored_user' : 'no_matching_rule');
  return out;
}
