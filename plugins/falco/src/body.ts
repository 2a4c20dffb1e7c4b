import Type, { type Static } from 'typebox';

// Falco writes null for a field it could not resolve (a host process has no k8s.pod.name).
const Text = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Null()]);
const Epoch = Type.Union([Type.Number(), Type.String({ maxLength: 64 }), Type.Null()]);

/**
 * The `output_fields` this plugin reads, typed so that a wrong type is a 400 naming the field;
 * any other field is accepted as it is (Falco has hundreds, and plugins add their own).
 *
 * @example
 * ```ts
 * const f: OutputFields = { 'k8s.pod.name': 'web-0', 'k8s.ns.name': 'shop' };
 * ```
 */
export const OutputFieldsSchema = Type.Object(
  {
    'evt.time': Type.Optional(Epoch),
    'evt.time.iso8601': Type.Optional(Epoch),
    'k8s.pod.name': Type.Optional(Text(1024)),
    'k8s.ns.name': Type.Optional(Text(1024)),
    'container.id': Type.Optional(Text(1024)),
    'container.name': Type.Optional(Text(1024)),
    'ka.target.resource': Type.Optional(Text(1024)),
    'ka.target.subresource': Type.Optional(Text(1024)),
    'ka.target.name': Type.Optional(Text(1024)),
    'ka.target.namespace': Type.Optional(Text(1024)),
    'ka.uri': Type.Optional(Text(65536)),
  },
  { additionalProperties: true, maxProperties: 1024 },
);

/**
 * One Falco alert, as `json_output` writes it, `http_output` posts it and falcosidekick
 * forwards it (sidekick adds `uuid`). Only `rule` and `priority` are required: older Falco
 * versions send no `hostname`, `source` or `tags`, and a missing `time` falls back to
 * `output_fields`' `evt.time`.
 *
 * @example
 * ```ts
 * const a: FalcoAlert = { rule: 'Terminal shell in container', priority: 'Notice', output: '...', time: '2021-06-13T19:35:58.532086161Z' };
 * ```
 */
export const FalcoAlertSchema = Type.Object({
  rule: Type.String({ minLength: 1, maxLength: 1024 }),
  priority: Type.String({ minLength: 1, maxLength: 32 }),
  output: Type.Optional(Type.String({ maxLength: 1_048_576 })),
  time: Type.Optional(Type.String({ maxLength: 64 })),
  source: Type.Optional(Type.String({ maxLength: 256 })),
  hostname: Type.Optional(Type.String({ maxLength: 1024 })),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 128 })),
  uuid: Type.Optional(Type.String({ maxLength: 128 })),
  output_fields: Type.Optional(OutputFieldsSchema),
});

/**
 * One Falco alert.
 *
 * @example
 * ```ts
 * function ruleOf(a: FalcoAlert) { return a.rule; }
 * ```
 */
export type FalcoAlert = Static<typeof FalcoAlertSchema>;

/**
 * What the falco route accepts: one alert, or a batch (a JSON array, or NDJSON which the host
 * turns into an array). 1000 alerts per request at most.
 *
 * @example
 * ```ts
 * const batch: FalcoBody = [alert1, alert2];
 * ```
 */
export const FalcoBodySchema = Type.Union([FalcoAlertSchema, Type.Array(FalcoAlertSchema, { maxItems: 1000 })]);

/**
 * One alert or a batch.
 *
 * @example
 * ```ts
 * const alerts = Array.isArray(body) ? body : [body];
 * ```
 */
export type FalcoBody = Static<typeof FalcoBodySchema>;
