import Type, { type Static } from 'typebox';
import { CATEGORIES, SEVERITIES } from '@zen-watcher/sdk';

const PathAlternatives = (def: string, description: string) => Type.String({ default: def, maxLength: 1024, description });
const ResourceField = Type.Optional(Type.String({ maxLength: 253 }));

/**
 * Configuration of the generic webhook source. Every field has a default that suits an
 * arbitrary JSON object (`title|message|summary|msg` for the title, `severity|level|priority`
 * for the severity, a hash of the whole object as the dedup key), so a bare POST makes a
 * reasonable event; a known tool gets a few lines of config (see README).
 *
 * Paths: `labels.severity`, `alerts[0].labels.alertname`, `metadata["a.b/c"]`, `$root.x` (the
 * request body when `itemsPath` splits it); `a|b` takes the first that is present.
 *
 * @example
 * ```ts
 * const alertmanager = {
 *   itemsPath: 'alerts',
 *   severityPath: 'labels.severity',
 *   title: '{{labels.alertname}} on {{labels.instance}}',
 *   detectedAtPath: 'startsAt',
 *   dedupFields: ['labels.alertname', 'labels.instance'],
 * };
 * ```
 */
export const WebhookConfigSchema = Type.Object(
  {
    recognizeAlerts: Type.Boolean({
      default: true,
      description:
        'With itemsPath empty: recognise Prometheus Alertmanager and Grafana alerting notifications and map them with no other config (one finding per alert; resolved alerts are not recorded).',
    }),
    itemsPath: Type.String({
      default: '',
      maxLength: 256,
      description: 'Path to a list inside the body whose elements are the events (e.g. `alerts`); empty: the body itself (an array body is a list of events).',
    }),
    maxItems: Type.Integer({ default: 1000, minimum: 1, maximum: 10_000, description: 'Events taken from one request; the rest are dropped (counted as too_many_items).' }),
    title: Type.String({ default: '{{title|message|summary|msg}}', maxLength: 1024, description: 'Template of the title.' }),
    defaultTitle: Type.String({ default: 'Webhook event', minLength: 1, maxLength: 256, description: 'Title when the template renders empty.' }),
    description: Type.String({ default: '{{description|message|text}}', maxLength: 4096, description: 'Template of the description (the Observation message).' }),
    severityPath: PathAlternatives('severity|level|priority', 'Where the severity is.'),
    severityMap: Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Union(SEVERITIES.map((s) => Type.Literal(s))), {
      default: {},
      maxProperties: 256,
      description: 'Payload values (case-insensitive) to severities, over the built-in words (warning → medium, major → high, page → critical, ...).',
    }),
    defaultSeverity: Type.Union(SEVERITIES.map((s) => Type.Literal(s)), { default: 'info', description: 'Severity when none is found or the value is not known.' }),
    categoryPath: PathAlternatives('category', 'Where the category is; a value that is not a category is ignored.'),
    defaultCategory: Type.Union(CATEGORIES.map((c) => Type.Literal(c)), { default: 'operations' }),
    eventTypePath: PathAlternatives('eventType|event_type|type|reason', 'Where the event type is; it is turned into [a-z0-9_] (ValidationFailed → validation_failed).'),
    defaultEventType: Type.String({ default: 'webhook_event', pattern: '^[a-z0-9_]+$', maxLength: 63 }),
    detectedAtPath: PathAlternatives(
      'timestamp|time|@timestamp|eventTime|startsAt|createdAt',
      'Where the event time is (RFC 3339 or epoch s/ms/µs/ns); the receive time when none.',
    ),
    resource: Type.Object(
      {
        apiVersion: PathAlternatives('involvedObject.apiVersion|resource.apiVersion', 'Where the resource apiVersion is.'),
        kind: PathAlternatives('involvedObject.kind|resource.kind', 'Where the resource kind is.'),
        name: PathAlternatives('involvedObject.name|resource.name', 'Where the resource name is.'),
        namespace: PathAlternatives('involvedObject.namespace|resource.namespace|namespace', 'Where the resource namespace is.'),
      },
      { default: {}, additionalProperties: false, description: 'Paths of the affected Kubernetes object.' },
    ),
    resourceDefaults: Type.Object(
      { apiVersion: ResourceField, kind: ResourceField, name: ResourceField, namespace: ResourceField },
      { default: {}, additionalProperties: false, description: 'Fixed resource fields used when the paths find nothing (e.g. kind: Pod).' },
    ),
    dedupFields: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
      default: [],
      maxItems: 32,
      description: 'Paths whose values identify one finding; empty: a hash of the whole item (canonical JSON, keys sorted).',
    }),
    ignoreWhen: Type.Array(
      Type.Object(
        { path: Type.String({ minLength: 1, maxLength: 1024 }), values: Type.Array(Type.String({ maxLength: 256 }), { minItems: 1, maxItems: 64 }) },
        { additionalProperties: false },
      ),
      { default: [], maxItems: 32, description: 'Items whose value at `path` is one of `values` (case-insensitive) are dropped (counted as ignored), e.g. resolved alerts.' },
    ),
    detailsPaths: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), {
      default: [],
      maxItems: 64,
      description: 'Paths copied into details (keyed by path); empty: a bounded copy of the whole item.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved webhook configuration (defaults applied).
 *
 * @example
 * ```ts
 * function isAlertmanager(c: WebhookConfig) { return c.itemsPath === 'alerts'; }
 * ```
 */
export type WebhookConfig = Static<typeof WebhookConfigSchema>;
