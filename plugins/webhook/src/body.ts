import Type, { type Static } from 'typebox';

/**
 * What the generic webhook accepts: any JSON object, or a list of values (a JSON array, or
 * NDJSON which the host turns into one). Anything else (a string, a number, null) is a 400.
 * Elements of a list that are not objects are dropped one by one (counted), not the request.
 *
 * @example
 * ```ts
 * const b: WebhookBody = { message: 'disk full', severity: 'warning' };
 * ```
 */
export const WebhookBodySchema = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Array(Type.Unknown(), { maxItems: 10_000 })]);

/**
 * An object or a list.
 *
 * @example
 * ```ts
 * const roots = Array.isArray(body) ? body : [body];
 * ```
 */
export type WebhookBody = Static<typeof WebhookBodySchema>;
