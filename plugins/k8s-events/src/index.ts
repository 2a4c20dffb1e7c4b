/**
 * @zen-watcher/plugin-k8s-events — Kubernetes Warning events (crash loops, failed scheduling,
 * evictions, failed mounts...) as Observations.
 *
 * @example
 * ```ts
 * import k8sEvents from '@zen-watcher/plugin-k8s-events';
 * k8sEvents.name; // 'k8s-events'
 * ```
 * @packageDocumentation
 */
import { definePlugin } from '@zen-watcher/sdk';
import { tallyFor } from '@zen-watcher/sdk/helpers';
import { K8sEventsConfig, watchedEvents } from './config.js';
import { compileRules } from './event-rules.js';
import { mapEvent } from './map-event.js';

export { K8sEventsConfig, EventRule, NOISY_REASONS, watchedEvents } from './config.js';
export { BUILTIN_RULES, classify, compileRules, snakeCase, type Classification } from './event-rules.js';
export { eventKey, normalizeMessage } from './event-key.js';
export { readEvent, isEventsApi, type EventView } from './event-shape.js';
export { mapEvent } from './map-event.js';

/**
 * The k8s-events source: an informer on Warning Events. Events are event-like (`semantics:
 * 'event'`): the host resumes their watch from a checkpoint on takeover, as an Event missed is
 * not recovered by a relist once it expired. `add`, `update` (a higher count) and `sync` all
 * return the event with its total count under the same dedup key; `delete` (the Event's TTL
 * ran out) returns nothing.
 *
 * @example
 * ```yaml
 * apiVersion: zen.kube-zen.io/v1alpha1
 * kind: Ingester
 * metadata: { name: events, namespace: zen-system }
 * spec: { source: k8s-events, config: { involvedKinds: [Pod, Node] } }
 * ```
 */
const k8sEvents = definePlugin({
  name: 'k8s-events',
  kind: 'informer',
  description: 'Kubernetes Warning events (core v1 or events.k8s.io/v1)',
  semantics: 'event',
  config: K8sEventsConfig,
  resources: (config) => watchedEvents(config),
  start(ctx) {
    // Compile the reason patterns now, so an invalid regular expression fails the Ingester
    // with its field name instead of every event.
    compileRules(ctx.config);
  },
  onEvent(type, obj, ctx) {
    if (type === 'delete') return [];
    return mapEvent(obj, ctx.config, tallyFor(ctx));
  },
});

export default k8sEvents;
