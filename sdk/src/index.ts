/**
 * @zen-watcher/sdk — the contract between the zen-watcher host and its source plugins:
 * `definePlugin`, the plugin and context types, the `SourceEvent` a hook returns, the
 * Observation it becomes, and the error codes the host reports about plugins. Helpers for
 * writing plugins are in `@zen-watcher/sdk/helpers`, the test harness in `@zen-watcher/sdk/testing`.
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
  type Plugin,
  type WebhookPlugin,
  type WebhookBatchPlugin,
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
