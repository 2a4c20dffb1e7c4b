import Type, { type Static } from 'typebox';
import { CategorySchema, LIMITS, ResourceRefSchema, SeveritySchema } from './source-event.js';

/**
 * API group and version of zen-watcher's custom resources.
 *
 * @example
 * ```ts
 * `${GROUP}/${VERSION}` // 'zen.kube-zen.io/v1alpha1'
 * ```
 */
export const GROUP = 'zen.kube-zen.io';

/**
 * See {@link GROUP}.
 *
 * @example
 * ```ts
 * const apiVersion = `${GROUP}/${VERSION}`;
 * ```
 */
export const VERSION = 'v1alpha1';

/**
 * Labels the host puts on every Observation, so `kubectl get obs -l` can select on them.
 *
 * @example
 * ```ts
 * `kubectl get obs -l ${LABELS.severity}=critical`
 * ```
 */
export const LABELS = {
  source: 'zen.kube-zen.io/source',
  severity: 'zen.kube-zen.io/severity',
  category: 'zen.kube-zen.io/category',
} as const;

/**
 * Schema of an Observation's `spec` (field names as zen-watcher v1).
 *
 * @example
 * ```ts
 * Compile(ObservationSpecSchema).Check(obs.spec);
 * ```
 */
export const ObservationSpecSchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 63 }),
  category: CategorySchema,
  severity: SeveritySchema,
  eventType: Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 63 }),
  title: Type.String({ maxLength: LIMITS.titleLength }),
  description: Type.Optional(Type.String({ maxLength: LIMITS.messageLength })),
  resource: Type.Optional(ResourceRefSchema),
  detectedAt: Type.String({ format: 'date-time' }),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  dedupKey: Type.Optional(Type.String({ maxLength: LIMITS.dedupKeyLength })),
  ttlSecondsAfterCreation: Type.Optional(Type.Integer({ minimum: 0 })),
});

/**
 * Schema of an Observation's `status`.
 *
 * @example
 * ```ts
 * const s: ObservationStatus = { count: 2, lastSeenAt: '2026-11-26T06:20:54Z' };
 * ```
 */
export const ObservationStatusSchema = Type.Object({
  count: Type.Integer({ minimum: 1 }),
  firstSeenAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** Absent until the finding is seen again: it was last seen at `spec.detectedAt`. */
  lastSeenAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** A state-like source no longer reports the finding (its report dropped it, or is gone). */
  resolvedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

/**
 * An Observation's spec.
 *
 * @example
 * ```ts
 * const spec: ObservationSpec = { source: 'falco', category: 'security', severity: 'high',
 *   eventType: 'runtime_threat', title: 'Shell', detectedAt: new Date().toISOString() };
 * ```
 */
export type ObservationSpec = Static<typeof ObservationSpecSchema>;

/**
 * An Observation's status.
 *
 * @example
 * ```ts
 * const s: ObservationStatus = { count: 1, lastSeenAt: new Date().toISOString() };
 * ```
 */
export type ObservationStatus = Static<typeof ObservationStatusSchema>;

/**
 * An Observation as stored: the custom resource the host writes once per distinct finding.
 *
 * @example
 * ```ts
 * const obs: Observation = {
 *   apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Observation',
 *   metadata: { name: 'falco-3f2a9c', namespace: 'shop' },
 *   spec: { source: 'falco', category: 'security', severity: 'critical', eventType: 'runtime_threat',
 *           title: 'Terminal shell in container', detectedAt: '2026-11-26T06:20:54Z' },
 *   status: { count: 1, lastSeenAt: '2026-11-26T06:20:54Z' },
 * };
 * ```
 */
export interface Observation {
  apiVersion: 'zen.kube-zen.io/v1alpha1';
  kind: 'Observation';
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
  };
  spec: ObservationSpec;
  status?: ObservationStatus;
}
