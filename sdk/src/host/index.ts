/**
 * `@zen-watcher/sdk/host` — what the zen-watcher host and the testing harness share to treat a
 * plugin alike: plugin shape and version checks, schema checking, body parsing, event checks.
 * Not part of the plugin contract: a plugin imports `@zen-watcher/sdk` (and `./helpers`,
 * `./testing`), never this.
 *
 * @example
 * ```ts
 * import { readWebhookBody } from '@zen-watcher/sdk/host';
 * ```
 * @packageDocumentation
 */
export { validatePluginShape, assertApiVersion, watchedResources } from '../plugin.js';
export { checkSchema, resolveWithDefaults, deepFreeze, formatIssues } from '../schema-check.js';
export { checkEvents, type InvalidEvent } from '../event-check.js';
export { parseWebhookBody, type ParsedBody } from '../body-format.js';
export { readWebhookBody, checkWebhookValue, bodyFormatOf, JSON_CONTENT_TYPE, NDJSON_CONTENT_TYPE, type ReadBody, type BodyIssue } from './webhook-body.js';
export { withoutCredentials, CREDENTIAL_HEADERS } from './credentials.js';
export { FindingIndex } from './finding-index.js';
export { guardHook, logInvalid, type GuardedHook } from './hook-guard.js';
