import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type SchemaIssue } from '@zen-watcher/sdk';
import { resolveWithDefaults } from '@zen-watcher/sdk/host';
import { HostErrorCodes, HostError } from '../errors.js';
import { HostConfigSchema, type HostConfig } from './host-config.js';
import { parseDuration } from './duration.js';
import { packageRoot } from '../package-root.js';
import { tlsConfigProblems } from './tls-config.js';

type EnvKind = 'string' | 'int' | 'number' | 'duration' | 'list' | 'bool';

/** Environment variables of v1 keep their meaning; each maps onto one config path. */
export const ENV_VARS: Record<string, { path: string; kind: EnvKind; doc: string }> = {
  ZW_MODE: { path: 'mode', kind: 'string', doc: 'auto (cluster when a kubeconfig or service account is found), local or cluster' },
  PORT: { path: 'port', kind: 'int', doc: 'HTTP port for webhooks, probes and metrics (HTTPS when webhook.tls names a certificate)' },
  HOST: { path: 'host', kind: 'string', doc: 'address to listen on' },
  OPS_PORT: { path: 'opsPort', kind: 'int', doc: 'plain-HTTP port serving only /healthz, /readyz and /metrics (never /ingest), so probes and Prometheus need no certificate when TLS is on; 0: none' },
  TLS_SECRET_NAME: { path: 'webhook.tls.secretName', kind: 'string', doc: 'cluster mode: Secret of type kubernetes.io/tls (tls.crt, tls.key) in POD_NAMESPACE; PORT then serves HTTPS, and a renewed Secret is served without a restart' },
  TLS_CERT_FILE: { path: 'webhook.tls.certFile', kind: 'string', doc: 'PEM certificate chain file for HTTPS on PORT (with TLS_KEY_FILE; local mode, or a mounted Secret); re-read when it changes' },
  TLS_KEY_FILE: { path: 'webhook.tls.keyFile', kind: 'string', doc: 'PEM private key file of TLS_CERT_FILE' },
  TLS_CLIENT_CA_SECRET_NAME: { path: 'webhook.tls.clientCaSecretName', kind: 'string', doc: 'mTLS: Secret in POD_NAMESPACE whose ca.crt holds the CAs client certificates must chain to; clients without one are refused' },
  TLS_CLIENT_CA_FILE: { path: 'webhook.tls.clientCaFile', kind: 'string', doc: 'mTLS: PEM file of the CAs client certificates must chain to (instead of TLS_CLIENT_CA_SECRET_NAME)' },
  LOG_LEVEL: { path: 'logLevel', kind: 'string', doc: 'fatal, error, warn, info, debug, trace or silent' },
  BODY_LIMIT_BYTES: { path: 'bodyLimitBytes', kind: 'int', doc: 'largest webhook body accepted (413 above)' },
  SHUTDOWN_TIMEOUT_SECONDS: { path: 'shutdownTimeoutSeconds', kind: 'duration', doc: 'time allowed to drain on SIGTERM' },
  POD_NAME: { path: 'podName', kind: 'string', doc: 'this pod (the Lease holder identity); from the downward API' },
  POD_NAMESPACE: { path: 'podNamespace', kind: 'string', doc: 'namespace of the Lease and of static sources; from the downward API' },
  WATCH_NAMESPACE: { path: 'watchNamespaces', kind: 'list', doc: 'comma-separated namespaces this deployment covers; empty = all' },
  DEDUP_WINDOW_SECONDS: { path: 'dedup.windowSeconds', kind: 'duration', doc: 'repeats within this window are counted without an API call' },
  DEDUP_MAX_SIZE: { path: 'dedup.maxSize', kind: 'int', doc: 'entries in the dedup cache (least recently used evicted)' },
  DEDUP_FLUSH_INTERVAL_SECONDS: { path: 'dedup.flushIntervalSeconds', kind: 'duration', doc: 'how often absorbed repeats are written as count updates' },
  OBSERVATION_TTL_SECONDS: { path: 'observationTtlSeconds', kind: 'duration', doc: 'default ttlSecondsAfterCreation of Observations' },
  GC_INTERVAL: { path: 'gcIntervalSeconds', kind: 'duration', doc: 'how often the leader deletes expired Observations' },
  LEADER_ELECTION_MODE: { path: 'leaderElection.mode', kind: 'string', doc: 'builtin or disabled (single replica)' },
  LEADER_ELECTION_ID: { path: 'leaderElection.electionId', kind: 'string', doc: 'name of the Lease' },
  LEADER_ELECTION_LEASE_DURATION: { path: 'leaderElection.leaseDurationSeconds', kind: 'duration', doc: 'lease duration' },
  LEADER_ELECTION_RENEW_DEADLINE: { path: 'leaderElection.renewDeadlineSeconds', kind: 'duration', doc: 'a leader that has not renewed by then stops leading' },
  LEADER_ELECTION_RETRY_PERIOD: { path: 'leaderElection.retryPeriodSeconds', kind: 'duration', doc: 'how often candidates try the lease' },
  KUBE_QPS: { path: 'kube.qps', kind: 'number', doc: 'client-side request rate limit toward the API server' },
  KUBE_BURST: { path: 'kube.burst', kind: 'int', doc: 'client-side burst' },
  INFORMERS_MODE: { path: 'informers.mode', kind: 'string', doc: 'leader (informer sources on the leader) or partitioned (split across live pods by namespace)' },
  INFORMER_PARTITIONS: { path: 'informers.partitions', kind: 'int', doc: 'partitions informer work is split into (a power of two, up to 1024)' },
  INFORMER_CONCURRENCY: { path: 'informers.concurrency', kind: 'int', doc: 'informer callbacks handled at once per watch (different objects; one object in order)' },
  INFORMER_PAGE_SIZE: { path: 'informers.pageSize', kind: 'int', doc: 'objects per list page (one page is in memory at a time)' },
  WATCH_STALL_SECONDS: { path: 'kube.watchStallSeconds', kind: 'duration', doc: 'restart a watch silent for this long' },
  WATCH_CLUSTER_SCOPED: { path: 'kube.watchClusterScoped', kind: 'bool', doc: 'watch cluster-scoped resources (ClusterPolicyReports...); false with namespaced RBAC' },
  WRITE_QUEUE_SIZE: { path: 'writer.queueSize', kind: 'int', doc: 'Observation writes waiting; webhooks get 429 beyond it' },
  WRITE_CONCURRENCY: { path: 'writer.concurrency', kind: 'int', doc: 'concurrent writes to the API server' },
  WEBHOOK_WRITE_TIMEOUT_SECONDS: { path: 'writer.webhookTimeoutSeconds', kind: 'duration', doc: 'a webhook request waits this long for its writes, then gets 503 with Retry-After' },
  OUTPUT_FILE: { path: 'output.file', kind: 'string', doc: 'local mode: JSON-lines file Observations are appended to' },
  PLUGINS: { path: 'plugins', kind: 'list', doc: 'extra plugin packages to load, comma-separated' },
};

/** The config file used in local mode when none is given: falco and the generic webhook. */
export const DEFAULT_LOCAL_CONFIG = join(packageRoot(), 'config', 'local.yaml');

export interface LoadedConfig {
  config: HostConfig;
  /** The config file read, if any. */
  file?: string;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function fromEnv(env: NodeJS.ProcessEnv, target: Record<string, unknown>, issues: string[]): void {
  for (const [name, spec] of Object.entries(ENV_VARS)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (spec.kind === 'int' || spec.kind === 'number') {
      const n = Number(raw.trim());
      if (raw.trim() === '' || Number.isNaN(n)) {
        issues.push(`${name} (${spec.path}): ${JSON.stringify(raw)} is not a number`);
        continue;
      }
      value = n;
    } else if (spec.kind === 'duration') {
      const s = parseDuration(raw);
      if (s === undefined) {
        issues.push(`${name} (${spec.path}): ${JSON.stringify(raw)} is not a duration (use 90, 90s, 30m or 1h)`);
        continue;
      }
      value = s;
    } else if (spec.kind === 'bool') {
      const t = raw.trim().toLowerCase();
      if (!['true', 'false', '1', '0', 'yes', 'no'].includes(t)) {
        issues.push(`${name} (${spec.path}): ${JSON.stringify(raw)} is not true or false`);
        continue;
      }
      value = ['true', '1', 'yes'].includes(t);
    } else if (spec.kind === 'list') {
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
    setPath(target, spec.path, value);
  }
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function envNameFor(path: string): string | undefined {
  const dotted = path.replace(/^\//, '').replaceAll('/', '.');
  return Object.entries(ENV_VARS).find(([, s]) => s.path === dotted)?.[0];
}

function describeIssue(issue: SchemaIssue, file: string | undefined): string {
  const env = envNameFor(issue.path);
  const where = env ? `${env} (${issue.path.slice(1).replaceAll('/', '.')})` : `${file ? `${file}: ` : ''}${issue.path}`;
  return `${where}: ${issue.message}`;
}

/**
 * Builds the host config from defaults, the YAML file (`ZW_CONFIG`, or the shipped local config
 * when `useDefaultLocalFile` and no file is named) and the environment, in that order of
 * precedence. Throws one error listing every bad field.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { useDefaultLocalFile?: boolean } = {}): LoadedConfig {
  const issues: string[] = [];
  let fromFile: Record<string, unknown> = {};
  const file = env.ZW_CONFIG || (options.useDefaultLocalFile ? DEFAULT_LOCAL_CONFIG : undefined);
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (parsed === null || parsed === undefined) fromFile = {};
      else if (typeof parsed !== 'object' || Array.isArray(parsed)) issues.push(`${file}: the config file must hold a mapping`);
      else fromFile = parsed as Record<string, unknown>;
    } catch (err) {
      issues.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const fromEnvironment: Record<string, unknown> = {};
  fromEnv(env, fromEnvironment, issues);
  const resolved = resolveWithDefaults(HostConfigSchema, merge(fromFile, fromEnvironment));
  if (!resolved.ok) issues.push(...resolved.issues.map((i) => describeIssue(i, file)));
  if (issues.length > 0 || !resolved.ok) {
    throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, `invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
  const config = resolved.value as HostConfig;
  const le = config.leaderElection;
  const timing: string[] = [];
  if (!(le.renewDeadlineSeconds < le.leaseDurationSeconds)) timing.push('  - leaderElection: renewDeadline must be shorter than leaseDuration');
  if (!(le.retryPeriodSeconds < le.renewDeadlineSeconds)) timing.push('  - leaderElection: retryPeriod must be shorter than renewDeadline');
  // Partitions group 1024 fixed buckets (bucket mod partitions): a power of two divides them.
  const partitions = config.informers.partitions;
  if ((partitions & (partitions - 1)) !== 0) timing.push(`  - INFORMER_PARTITIONS (informers.partitions): ${config.informers.partitions} is not a power of two (1, 2, 4, ... 1024)`);
  if (timing.length) throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, `invalid configuration:\n${timing.join('\n')}`);
  const tls = tlsConfigProblems(config.webhook.tls);
  if (tls.length) throw new HostError(HostErrorCodes.HOST_CONFIG_INVALID, `invalid configuration:\n${tls.map((p) => `  - ${p}`).join('\n')}`);
  return { config, file };
}
