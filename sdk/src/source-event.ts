import Type, { type Static } from 'typebox';

/**
 * The common severity scale, most severe first.
 *
 * @example
 * ```ts
 * import { SEVERITIES } from '@zen-watcher/sdk';
 * SEVERITIES.indexOf('high') < SEVERITIES.indexOf('low'); // true
 * ```
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/**
 * One value of the common severity scale.
 *
 * @example
 * ```ts
 * const s: Severity = 'medium';
 * ```
 */
export type Severity = (typeof SEVERITIES)[number];

/**
 * The categories an Observation can belong to.
 *
 * @example
 * ```ts
 * import { CATEGORIES } from '@zen-watcher/sdk';
 * CATEGORIES.includes('security'); // true
 * ```
 */
export const CATEGORIES = ['security', 'compliance', 'performance', 'operations', 'cost'] as const;

/**
 * One Observation category.
 *
 * @example
 * ```ts
 * const c: Category = 'compliance';
 * ```
 */
export type Category = (typeof CATEGORIES)[number];

/**
 * Bounds the host enforces on every event, so one noisy source cannot write objects etcd refuses.
 *
 * @example
 * ```ts
 * import { LIMITS } from '@zen-watcher/sdk';
 * const title = longText.slice(0, LIMITS.titleLength);
 * ```
 */
export const LIMITS = {
  /** Characters of `title`; it is shown by `kubectl get obs`. */
  titleLength: 256,
  /** Characters of `message` (the Observation's `description`). */
  messageLength: 8192,
  /** Bytes of `details` serialised as JSON; larger details are cut down by the host. */
  detailsBytes: 32 * 1024,
  /** Characters of the dedup key before it is hashed. */
  dedupKeyLength: 4096,
  /** Items of one webhook batch (an array, NDJSON lines, an envelope's items); more is a 400. */
  batchItems: 10_000,
} as const;

/**
 * Schema of a severity value.
 *
 * @example
 * ```ts
 * import { SeveritySchema } from '@zen-watcher/sdk';
 * const config = Type.Object({ minSeverity: Type.Optional(SeveritySchema) });
 * ```
 */
export const SeveritySchema = Type.Union([
  Type.Literal('critical'),
  Type.Literal('high'),
  Type.Literal('medium'),
  Type.Literal('low'),
  Type.Literal('info'),
]);

/**
 * Schema of a category value.
 *
 * @example
 * ```ts
 * import { CategorySchema } from '@zen-watcher/sdk';
 * const config = Type.Object({ category: Type.Optional(CategorySchema) });
 * ```
 */
export const CategorySchema = Type.Union([
  Type.Literal('security'),
  Type.Literal('compliance'),
  Type.Literal('performance'),
  Type.Literal('operations'),
  Type.Literal('cost'),
]);

/**
 * The Kubernetes object a finding is about.
 *
 * @example
 * ```ts
 * const r: ResourceRef = { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' };
 * ```
 */
export const ResourceRefSchema = Type.Object({
  apiVersion: Type.Optional(Type.String({ maxLength: 253 })),
  kind: Type.Optional(Type.String({ maxLength: 253 })),
  name: Type.Optional(Type.String({ maxLength: 253 })),
  namespace: Type.Optional(Type.String({ maxLength: 63 })),
  uid: Type.Optional(Type.String({ maxLength: 64 })),
});

/**
 * The Kubernetes object a finding is about.
 *
 * @example
 * ```ts
 * const r: ResourceRef = { kind: 'Node', name: 'worker-1' };
 * ```
 */
export type ResourceRef = Static<typeof ResourceRefSchema>;

/**
 * What a source plugin returns for one finding; the host turns it into an Observation.
 *
 * @example
 * ```ts
 * import { SourceEventSchema } from '@zen-watcher/sdk';
 * import { Compile } from 'typebox/compile';
 * Compile(SourceEventSchema).Check(event);
 * ```
 */
export const SourceEventSchema = Type.Object({
  severity: SeveritySchema,
  category: CategorySchema,
  eventType: Type.String({ pattern: '^[a-z0-9_]+$', minLength: 1, maxLength: 63 }),
  title: Type.String({ minLength: 1, maxLength: LIMITS.titleLength }),
  message: Type.Optional(Type.String({ maxLength: LIMITS.messageLength })),
  resource: Type.Optional(ResourceRefSchema),
  detectedAt: Type.Optional(Type.String({ format: 'date-time' })),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  dedupKey: Type.String({ minLength: 1, maxLength: LIMITS.dedupKeyLength }),
  count: Type.Optional(Type.Integer({ minimum: 1 })),
});

/**
 * One finding produced by a source plugin.
 *
 * - `detectedAt` is the event's own time (RFC 3339), not the time it was received.
 * - `dedupKey` holds exactly the fields that make two events "the same finding"; the host
 *   hashes it with the source name into the Observation's name.
 * - `count`, for event-like sources that count repeats themselves (Kubernetes Events), is the
 *   total number of occurrences so far: the Observation's count is raised to it, not incremented.
 *
 * @example
 * ```ts
 * const event: SourceEvent = {
 *   severity: 'critical',
 *   category: 'security',
 *   eventType: 'runtime_threat',
 *   title: 'Terminal shell in container',
 *   resource: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
 *   detectedAt: '2026-11-26T06:20:54.000Z',
 *   dedupKey: 'Terminal shell in container|shop/web-0|nginx',
 * };
 * ```
 */
export type SourceEvent = Static<typeof SourceEventSchema>;

/**
 * Returns true when `severity` is at least as severe as `min`.
 *
 * @example
 * ```ts
 * atLeast('high', 'medium'); // true
 * atLeast('low', 'medium');  // false
 * ```
 */
export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(min);
}
