import Type, { type Static } from 'typebox';
import type { WatchedResource } from '@zen-watcher/sdk';

// Built fresh at each use: typebox needs a mutable tuple to infer the union's static type.
const severityType = (options: { default?: string; description?: string } = {}) =>
  Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], options);
const categoryType = (options: { default?: string; description?: string } = {}) =>
  Type.Union([Type.Literal('security'), Type.Literal('compliance'), Type.Literal('performance'), Type.Literal('operations'), Type.Literal('cost')], options);

/**
 * One classification rule: which events it matches and what they become.
 *
 * @example
 * ```ts
 * const rule: EventRule = { reason: 'BackOff', message: 'pulling image', severity: 'medium', eventType: 'image_pull_backoff' };
 * ```
 */
export const EventRule = Type.Object(
  {
    reason: Type.String({ minLength: 1, description: 'Exact reason (BackOff), or a regular expression between slashes (/^Failed.*Volume$/).' }),
    message: Type.Optional(Type.String({ minLength: 1, description: 'Case-insensitive substring of the message, or a regular expression between slashes.' })),
    severity: Type.Optional(severityType()),
    eventType: Type.Optional(Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 63, description: 'Default: the reason in snake_case.' })),
    category: Type.Optional(categoryType()),
  },
  { additionalProperties: false },
);

/**
 * A classification rule (see {@link EventRule}).
 *
 * @example
 * ```ts
 * const rule: EventRule = { reason: 'Evicted', severity: 'high' };
 * ```
 */
export type EventRule = Static<typeof EventRule>;

/**
 * Reasons left out by default: frequent Warning events that rarely mean a problem someone must
 * act on, or that another source reports better.
 *
 * - `DNSConfigForming`: the node's resolv.conf has more nameservers/search domains than a pod
 *   gets; the kubelet repeats it for every pod start.
 * - `FailedGetResourceMetric`, `FailedComputeMetricsReplicas`: an HPA without metrics (yet),
 *   every 15 s per HPA.
 * - `ProbeWarning`: a probe that succeeded with a warning (a redirect, a slow response).
 * - `PolicyViolation`: Kyverno's per-violation events; the kyverno source reads its reports.
 *
 * @example
 * ```ts
 * NOISY_REASONS.includes('DNSConfigForming'); // true
 * ```
 */
export const NOISY_REASONS = ['DNSConfigForming', 'FailedGetResourceMetric', 'FailedComputeMetricsReplicas', 'ProbeWarning', 'PolicyViolation'];

/**
 * `spec.config` of a k8s-events Ingester.
 *
 * @example
 * ```ts
 * { involvedKinds: ['Pod', 'Node'], rules: [{ reason: 'FailedMount', severity: 'high' }] }
 * ```
 */
export const K8sEventsConfig = Type.Object(
  {
    api: Type.Union([Type.Literal('v1'), Type.Literal('events.k8s.io/v1')], {
      default: 'v1',
      description: 'Which Event API to watch: core v1 (every cluster) or events.k8s.io/v1. The same events are served by both.',
    }),
    reasons: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Only these reasons (exact, or /regex/); empty means every reason.',
    }),
    excludeReasons: Type.Array(Type.String({ minLength: 1 }), {
      default: NOISY_REASONS,
      description: 'Reasons left out (exact, or /regex/). Setting this replaces the default list.',
    }),
    involvedKinds: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Only events about these kinds (Pod, Node...); empty means every kind.',
    }),
    rules: Type.Array(EventRule, {
      default: [],
      description: 'Classification rules, tried in order before the built-in ones; the first match wins.',
    }),
    builtinRules: Type.Boolean({
      default: true,
      description: 'Apply the built-in rules (BackOff, FailedScheduling, OOMKilling...) after `rules`.',
    }),
    defaultSeverity: severityType({ default: 'low', description: 'Severity of a Warning event no rule matches.' }),
    defaultCategory: categoryType({ default: 'operations', description: 'Category of an event whose rule names none.' }),
  },
  { additionalProperties: false },
);

/**
 * The resolved configuration (defaults applied).
 *
 * @example
 * ```ts
 * function f(config: K8sEventsConfig) { return config.rules; }
 * ```
 */
export type K8sEventsConfig = Static<typeof K8sEventsConfig>;

/**
 * The one resource watched: Warning events of the configured API. The field selector makes the
 * API server filter, so Normal events (most of them) never reach the host.
 *
 * @example
 * ```ts
 * watchedEvents({ api: 'v1' }); // [{ group: '', version: 'v1', plural: 'events', kind: 'Event', fieldSelector: 'type=Warning' }]
 * ```
 */
export function watchedEvents(config: Pick<K8sEventsConfig, 'api'>): WatchedResource[] {
  return config.api === 'v1'
    ? [{ group: '', version: 'v1', plural: 'events', kind: 'Event', fieldSelector: 'type=Warning' }]
    : [{ group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', fieldSelector: 'type=Warning' }];
}
