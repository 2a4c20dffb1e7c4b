/**
 * @zen-watcher/core — the zen-watcher host.
 * @packageDocumentation
 */
export { createHost, type Host, type HostOptions } from './host.js';
export type { Runnable } from './runtime/manager.js';
export { loadConfig, ENV_VARS, DEFAULT_LOCAL_CONFIG } from './config/load-config.js';
export { HostConfigSchema, type HostConfig } from './config/host-config.js';
export { SourceSpecSchema, type SourceSpec } from './config/source-spec.js';
export { createHostMetrics, type HostMetrics } from './metrics/host-metrics.js';
export { discoverPlugins, type LoadedPlugin } from './plugins/discovery.js';
export { observationName, toObservation } from './pipeline/normalize.js';
export { signBody } from './http/webhook-auth.js';
export { createLogger } from './log.js';
export { HostError, HostErrorCodes } from './errors.js';
export { KubeHttp, KubeApiError, microTime } from './kube/kube-http.js';
export { loadCredentials } from './kube/load-credentials.js';
export type { KubeAuth, KubeCredentials } from './kube/kube-credentials.js';
export { ObservationWriter } from './cluster/observation-writer.js';
export { DedupCache } from './pipeline/dedup-cache.js';
