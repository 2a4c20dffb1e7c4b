/**
 * @zen-watcher/sdk — the contract between the zen-watcher host and its source plugins.
 *
 * @example
 * ```ts
 * import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
 * ```
 * @packageDocumentation
 */
export {
  PLUGIN_API_VERSION,
  definePlugin,
  validatePluginShape,
  assertApiVersion,
  watchedResources,
  type Plugin,
  type WebhookPlugin,
  type InformerPlugin,
  type PluginContext,
  type PluginMetrics,
  type PluginCounter,
  type PluginGauge,
  type Logger,
  type WebhookRequest,
  type WatchedResource,
  type InformerEventType,
  type KubeObject,
  type HookResult,
  type BodyFormat,
} from './plugin.js';
export {
  SEVERITIES,
  CATEGORIES,
  LIMITS,
  SeveritySchema,
  CategorySchema,
  ResourceRefSchema,
  SourceEventSchema,
  atLeast,
  type Severity,
  type Category,
  type ResourceRef,
  type SourceEvent,
} from './source-event.js';
export {
  GROUP,
  VERSION,
  LABELS,
  ObservationSpecSchema,
  ObservationStatusSchema,
  type Observation,
  type ObservationSpec,
  type ObservationStatus,
} from './observation.js';
export { ErrorCodes, ZenWatcherError, type ErrorCode, type SchemaIssue } from './errors.js';
export { checkSchema, resolveWithDefaults, deepFreeze, formatIssues } from './schema-check.js';
export { checkEvents, type InvalidEvent } from './event-check.js';
export { parseWebhookBody, type ParsedBody } from './body-format.js';
