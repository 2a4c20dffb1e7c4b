/**
 * The audit source: Kubernetes API server audit events, as the webhook backend posts them
 * (`EventList`) or as log-backend lines (single `Event`s, NDJSON), turned into findings by a
 * set of configurable rules.
 *
 * @packageDocumentation
 */
import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { AuditEventSchema } from './body.js';
import { AuditConfigSchema } from './config.js';
import { DropTally } from './drop-counter.js';
import { RecentRequests } from './finding-key.js';
import { mapAuditEvent } from './map-event.js';

export { AuditConfigSchema, CONTROL_PLANE_USERS, type AuditConfig, type RuleName, type RuleSettings } from './config.js';
export { AuditBodySchema, AuditEventSchema, AuditEventListSchema, type AuditEvent, type AuditEventList, type AuditBody } from './body.js';
export { RULES } from './rules.js';
export { findingKey, RecentRequests } from './finding-key.js';

// The requests each running instance saw last (its ctx lives as long as the instance).
const recent = new WeakMap<object, RecentRequests>();

/**
 * The audit plugin. Only `ResponseComplete` and `Panic` events are evaluated (plus
 * `ResponseStarted` of exec/attach/port-forward, which is when a session opens); each rule that
 * matches yields one event keyed by what the finding is (rule, user, verb, object, outcome), so
 * repeats of one finding are counted on one Observation; a request seen already is not counted
 * again.
 *
 * @example
 * ```ts
 * import audit from '@zen-watcher/plugin-audit';
 * import { runWebhook } from '@zen-watcher/sdk/testing';
 * const r = await runWebhook(audit, { body: eventList });
 * ```
 */
const audit = definePlugin({
  name: 'audit',
  kind: 'webhook',
  description: 'Kubernetes API server audit events (webhook backend EventList, log-backend NDJSON)',
  accepts: ['json', 'ndjson'],
  config: AuditConfigSchema,
  // Each event is checked on its own: one malformed event of an EventList is left out (counted,
  // its index in the answer), not the other 399 of the batch the backend would drop.
  item: AuditEventSchema,
  itemsField: 'items',
  handle(items, ctx, req) {
    const drops = new DropTally();
    const events: SourceEvent[] = [];
    let seen = recent.get(ctx);
    if (!seen) recent.set(ctx, (seen = new RecentRequests()));
    for (const e of items) {
      try {
        events.push(...mapAuditEvent(e, ctx.config, req.receivedAt, drops, seen));
      } catch (err) {
        // One odd event must not cost the other 399 of its batch.
        drops.add('error');
        ctx.log.warn({ err, auditID: String(e.auditID).slice(0, 64) }, 'audit event could not be mapped');
      }
    }
    drops.flush(ctx);
    return events;
  },
});

export default audit;
