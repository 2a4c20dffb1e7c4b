import Type, { type Static } from 'typebox';

const Name = Type.String({ maxLength: 1024 });
const Time = Type.String({ maxLength: 64 });

const UserInfo = Type.Object({
  username: Type.Optional(Type.String({ maxLength: 1024 })),
  uid: Type.Optional(Type.String({ maxLength: 256 })),
  groups: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 1024 })),
});

/**
 * One audit event (`audit.k8s.io/v1` or `v1beta1` `Event`). Only what every API server writes
 * is required (`auditID`, `stage`, `verb`); `kind`/`apiVersion` may be missing (several log
 * shippers strip them). The fields the rules read are typed, so a wrong type is a 400 with its
 * path; request and response objects are read defensively instead.
 *
 * @example
 * ```ts
 * const e: AuditEvent = { auditID: 'a1', stage: 'ResponseComplete', verb: 'get', objectRef: { resource: 'secrets' } };
 * ```
 */
export const AuditEventSchema = Type.Object({
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  apiVersion: Type.Optional(Type.String({ maxLength: 64 })),
  level: Type.Optional(Type.String({ maxLength: 64 })),
  auditID: Type.String({ minLength: 1, maxLength: 256 }),
  stage: Type.String({ maxLength: 64 }),
  verb: Type.String({ maxLength: 64 }),
  requestURI: Type.Optional(Type.String()),
  user: Type.Optional(UserInfo),
  impersonatedUser: Type.Optional(Type.Union([UserInfo, Type.Null()])),
  sourceIPs: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 256 })),
  userAgent: Type.Optional(Type.String()),
  objectRef: Type.Optional(
    Type.Object({
      resource: Type.Optional(Name),
      namespace: Type.Optional(Name),
      name: Type.Optional(Name),
      uid: Type.Optional(Name),
      apiGroup: Type.Optional(Name),
      apiVersion: Type.Optional(Name),
      subresource: Type.Optional(Name),
      resourceVersion: Type.Optional(Name),
    }),
  ),
  responseStatus: Type.Optional(
    Type.Object({
      code: Type.Optional(Type.Integer()),
      status: Type.Optional(Type.String({ maxLength: 256 })),
      reason: Type.Optional(Type.String({ maxLength: 1024 })),
      message: Type.Optional(Type.String()),
    }),
  ),
  requestObject: Type.Optional(Type.Unknown()),
  responseObject: Type.Optional(Type.Unknown()),
  requestReceivedTimestamp: Type.Optional(Time),
  stageTimestamp: Type.Optional(Time),
  // v1beta1-era fields some v1 writers still carry.
  timestamp: Type.Optional(Time),
  metadata: Type.Optional(Type.Object({ creationTimestamp: Type.Optional(Type.Union([Time, Type.Null()])) })),
  annotations: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 65536 }), { maxProperties: 256 })),
});

/**
 * One audit event.
 *
 * @example
 * ```ts
 * function who(e: AuditEvent) { return e.user?.username; }
 * ```
 */
export type AuditEvent = Static<typeof AuditEventSchema>;

// The webhook backend sends at most --audit-webhook-batch-max-size (default 400) per request;
// the cap leaves room for larger settings without letting one body hold a million items.
const MAX_ITEMS = 10_000;

/**
 * An `EventList` as the API server's webhook backend posts it.
 *
 * @example
 * ```ts
 * const list: AuditEventList = { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [] };
 * ```
 */
export const AuditEventListSchema = Type.Object({
  kind: Type.Optional(Type.String({ maxLength: 64 })),
  apiVersion: Type.Optional(Type.String({ maxLength: 64 })),
  items: Type.Array(AuditEventSchema, { maxItems: MAX_ITEMS }),
});

/**
 * An `EventList`.
 *
 * @example
 * ```ts
 * const n = (list: AuditEventList) => list.items.length;
 * ```
 */
export type AuditEventList = Static<typeof AuditEventListSchema>;

/**
 * What the audit route accepts: an `EventList` (webhook backend), a single `Event`, or a JSON
 * array / NDJSON of events (log backend lines, shipped as they are).
 *
 * @example
 * ```ts
 * const events = eventsOf(body);
 * ```
 */
export const AuditBodySchema = Type.Union([AuditEventListSchema, AuditEventSchema, Type.Array(AuditEventSchema, { maxItems: MAX_ITEMS })]);

/**
 * An EventList, one Event, or an array of Events.
 *
 * @example
 * ```ts
 * const b: AuditBody = [event];
 * ```
 */
export type AuditBody = Static<typeof AuditBodySchema>;

/**
 * The events of any accepted body shape.
 *
 * @example
 * ```ts
 * eventsOf({ items: [e1, e2] }); // [e1, e2]
 * ```
 */
export function eventsOf(body: AuditBody): readonly AuditEvent[] {
  if (Array.isArray(body)) return body;
  if ('items' in body && Array.isArray(body.items)) return body.items;
  return [body as AuditEvent];
}
