import Type, { type Static } from 'typebox';
import { SeveritySchema } from '@zen-watcher/sdk';

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 256 });

/** An include/exclude rule on one field of an event (dotted path, e.g. `details.rule`). */
export const FilterRuleSchema = Type.Object(
  {
    action: Type.Union([Type.Literal('include'), Type.Literal('exclude')]),
    field: Type.String({ minLength: 1, maxLength: 253 }),
    values: Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 256 })),
    pattern: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);

/** `spec.filters` of an Ingester (and of a source in the config file). */
export const FiltersSchema = Type.Object(
  {
    minSeverity: Type.Optional(SeveritySchema),
    includeNamespaces: Type.Optional(Names),
    excludeNamespaces: Type.Optional(Names),
    kinds: Type.Optional(Names),
    excludeKinds: Type.Optional(Names),
    eventTypes: Type.Optional(Names),
    excludeEventTypes: Type.Optional(Names),
    rules: Type.Optional(Type.Array(FilterRuleSchema, { maxItems: 64 })),
  },
  { additionalProperties: false },
);

/** `spec.deduplication`. */
export const DeduplicationSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    windowSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86400 })),
    fields: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 32 })),
  },
  { additionalProperties: false },
);

// An HTTP header name (RFC 9110 token characters a sender would use).
const HeaderName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });
const ServiceAccountName = Type.String({ pattern: '^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 340 });

/**
 * `spec.webhook.auth`. One flat object, as the CRD's structural schema must be; which fields go
 * with which `type` (and `preset`) is checked by `authSpecProblem` in http/auth/auth-spec.ts.
 */
export const WebhookAuthSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('none'), Type.Literal('bearer'), Type.Literal('hmac'), Type.Literal('token'), Type.Literal('basic'), Type.Literal('serviceAccount')]),
    secretRef: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
    preset: Type.Optional(Type.Union([Type.Literal('zen'), Type.Literal('github'), Type.Literal('stripe'), Type.Literal('slack')])),
    signatureHeader: Type.Optional(HeaderName),
    signaturePrefix: Type.Optional(Type.String({ maxLength: 64 })),
    payload: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    algorithm: Type.Optional(Type.Union([Type.Literal('sha256'), Type.Literal('sha512'), Type.Literal('sha1')])),
    encoding: Type.Optional(Type.Union([Type.Literal('hex'), Type.Literal('base64')])),
    timestampHeader: Type.Optional(HeaderName),
    toleranceSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
    header: Type.Optional(HeaderName),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    audiences: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 16 })),
    serviceAccounts: Type.Optional(Type.Array(ServiceAccountName, { maxItems: 256 })),
    serviceAccountNamespaces: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }), { maxItems: 256 })),
  },
  { additionalProperties: false },
);

/** `spec.webhook`. */
export const WebhookSpecSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/ingest/[a-z0-9][a-z0-9/_-]*$', maxLength: 253 })),
    auth: Type.Optional(WebhookAuthSchema),
  },
  { additionalProperties: false },
);

/**
 * What runs one source: an Ingester's spec, or an entry of `sources` in the config file.
 * Field names follow the Ingester CRD.
 */
export const SourceSpecSchema = Type.Object(
  {
    source: Type.String({ pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 63 }),
    namespaces: Type.Optional(Names),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    filters: Type.Optional(FiltersSchema),
    deduplication: Type.Optional(DeduplicationSchema),
    webhook: Type.Optional(WebhookSpecSchema),
    ttlSecondsAfterCreation: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export type SourceSpec = Static<typeof SourceSpecSchema>;
export type Filters = Static<typeof FiltersSchema>;
export type FilterRule = Static<typeof FilterRuleSchema>;
export type WebhookAuth = Static<typeof WebhookAuthSchema>;
