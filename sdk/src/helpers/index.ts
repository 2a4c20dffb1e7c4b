/**
 * Plugin-agnostic helpers shared by the bundled plugins and offered to third-party ones:
 * defensive readers for watched objects, event timestamps, the one severity scale, bounded
 * text, Kubernetes kinds and skip/filter/merge tallies. Nothing here is needed to write a plugin; import what saves you code.
 *
 * @example
 * ```ts
 * import { asRecord, asText, firstEventTime, tallyFor } from '@zen-watcher/sdk/helpers';
 * ```
 *
 * @packageDocumentation
 */
export { keepMostSevere, mergeSameKey } from './finding-limits.js';
export { asList, asNumber, asRecord, asText, compact } from './object-access.js';
export { clipPayload, payloadLine, wellFormed } from './payload-text.js';
export { kindOf } from './resource-kinds.js';
export { SILENT, tallyFor, type Tally } from './tally.js';
export { clip, dedupKey, detail, fnv1a, oneLine, TEXT, title } from './text.js';
export { EARLIEST_BELIEVABLE_TIME, MAX_FUTURE_SKEW_MS, eventTime, firstEventTime, isBelievableTime, normalizeTime } from './timestamps.js';
export { CHECK_SEVERITY, SEVERITY_WORDS, severityOfCheck, severityOfScore, severityOfWord, type CheckOutcome } from './severity-scale.js';
export { isUnsafeKey } from './unsafe-keys.js';
export { reportFindings, type ReportFindingsOptions } from './report-findings.js';
