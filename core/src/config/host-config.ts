import Type, { type Static } from 'typebox';
import { SourceSpecSchema } from './source-spec.js';

const Seconds = (def: number, min = 0, max = 31_536_000) => Type.Integer({ minimum: min, maximum: max, default: def });

/** The host's configuration: environment variables and the optional YAML file, merged. */
export const HostConfigSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('auto'), Type.Literal('local'), Type.Literal('cluster')], { default: 'auto' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    host: Type.String({ default: '0.0.0.0' }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    opsPort: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
    webhook: Type.Object(
      {
        tls: Type.Object(
          {
            secretName: Type.String({ default: '' }),
            certFile: Type.String({ default: '' }),
            keyFile: Type.String({ default: '' }),
            clientCaSecretName: Type.String({ default: '' }),
            clientCaFile: Type.String({ default: '' }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    bodyLimitBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
    shutdownTimeoutSeconds: Seconds(10, 1, 300),
    podName: Type.String({ default: '' }),
    podNamespace: Type.String({ default: '' }),
    watchNamespaces: Type.Array(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 }), { default: [] }),
    dedup: Type.Object(
      {
        windowSeconds: Seconds(60, 0, 86400),
        maxSize: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 10_000 }),
        flushIntervalSeconds: Seconds(5, 1, 3600),
      },
      { additionalProperties: false, default: {} },
    ),
    observationTtlSeconds: Seconds(7 * 24 * 3600),
    gcIntervalSeconds: Seconds(3600, 1),
    leaderElection: Type.Object(
      {
        mode: Type.Union([Type.Literal('builtin'), Type.Literal('disabled')], { default: 'builtin' }),
        electionId: Type.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253, default: 'zen-watcher-leader-election' }),
        leaseDurationSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 15 }),
        renewDeadlineSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 10 }),
        retryPeriodSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 2 }),
      },
      { additionalProperties: false, default: {} },
    ),
    kube: Type.Object(
      {
        qps: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 200 }),
        burst: Type.Integer({ minimum: 1, maximum: 100_000, default: 400 }),
        watchStallSeconds: Seconds(300, 1),
        watchClusterScoped: Type.Boolean({ default: true }),
      },
      { additionalProperties: false, default: {} },
    ),
    informers: Type.Object(
      {
        mode: Type.Union([Type.Literal('leader'), Type.Literal('partitioned')], { default: 'partitioned' }),
        partitions: Type.Integer({ minimum: 1, maximum: 1024, default: 32 }),
        concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
        pageSize: Type.Integer({ minimum: 1, maximum: 5000, default: 50 }),
      },
      { additionalProperties: false, default: {} },
    ),
    writer: Type.Object(
      {
        queueSize: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 10_000 }),
        concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
        webhookTimeoutSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 300, default: 8 }),
      },
      { additionalProperties: false, default: {} },
    ),
    output: Type.Object({ file: Type.String({ minLength: 1, default: './data/observations.jsonl' }) }, { additionalProperties: false, default: {} }),
    plugins: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    sources: Type.Array(SourceSpecSchema, { default: [] }),
  },
  { additionalProperties: false },
);

export type HostConfig = Static<typeof HostConfigSchema>;
export type TlsConfig = HostConfig['webhook']['tls'];
