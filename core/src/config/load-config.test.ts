import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/fixtures.js';
import { loadConfig } from './load-config.js';

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('gives v1 defaults with no environment', () => {
    const { config } = loadConfig({});
    expect(config.dedup).toMatchObject({ windowSeconds: 60, maxSize: 10_000 });
    expect(config.leaderElection).toEqual({ mode: 'builtin', electionId: 'zen-watcher-leader-election', leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2 });
    expect(config.observationTtlSeconds).toBe(604800);
    expect(config.bodyLimitBytes).toBe(1048576);
  });

  it('reads v1 environment variables, durations and comma lists', () => {
    const { config } = loadConfig({ WATCH_NAMESPACE: 'prod, prod-staging,', DEDUP_WINDOW_SECONDS: '120', DEDUP_MAX_SIZE: '20000', GC_INTERVAL: '1h30m', OBSERVATION_TTL_SECONDS: '3600' });
    expect(config.watchNamespaces).toEqual(['prod', 'prod-staging']);
    expect(config.dedup.windowSeconds).toBe(120);
    expect(config.dedup.maxSize).toBe(20000);
    expect(config.gcIntervalSeconds).toBe(5400);
  });

  it('names every bad field in one message', () => {
    const message = errorOf(() =>
      loadConfig({ DEDUP_WINDOW_SECONDS: 'soon', DEDUP_MAX_SIZE: '-5', LEADER_ELECTION_MODE: 'raft', PORT: '99999', WATCH_NAMESPACE: 'Prod_1', LOG_LEVEL: 'loud' }),
    );
    for (const field of ['DEDUP_WINDOW_SECONDS', 'DEDUP_MAX_SIZE (dedup.maxSize)', 'LEADER_ELECTION_MODE (leaderElection.mode)', 'PORT (port)', '/watchNamespaces/0', 'LOG_LEVEL (logLevel)']) {
      expect(message).toContain(field);
    }
    expect(message.split('\n').length).toBe(7);
  });

  it('names bad fields of the config file with the file and the path', () => {
    const file = join(tempDir(), 'zw.yaml');
    writeFileSync(file, 'sources:\n  - source: falco\n    filters: { minSeverity: urgent }\n  - sourc: webhook\ndedupe: {}\n');
    const message = errorOf(() => loadConfig({ ZW_CONFIG: file }));
    expect(message).toContain(`${file}: /sources/0/filters/minSeverity`);
    expect(message).toContain(`${file}: /sources/1`);
    expect(message).toContain(`${file}: /dedupe: unknown field`);
  });

  it('lets the environment override the file', () => {
    const file = join(tempDir(), 'zw.yaml');
    writeFileSync(file, 'port: 9000\ndedup: { windowSeconds: 5 }\n');
    const { config } = loadConfig({ ZW_CONFIG: file, PORT: '9001' });
    expect(config.port).toBe(9001);
    expect(config.dedup.windowSeconds).toBe(5);
  });

  it('refuses lease timings a leader could not keep', () => {
    expect(errorOf(() => loadConfig({ LEADER_ELECTION_LEASE_DURATION: '10s', LEADER_ELECTION_RENEW_DEADLINE: '10s' }))).toMatch(/renewDeadline must be shorter/);
  });

  it('refuses a partition count that does not divide the 1024 buckets', () => {
    expect(errorOf(() => loadConfig({ INFORMER_PARTITIONS: '48' }))).toMatch(/INFORMER_PARTITIONS \(informers.partitions\): 48 is not a power of two/);
    expect(loadConfig({ INFORMER_PARTITIONS: '64' }).config.informers.partitions).toBe(64);
  });

  it('reports a YAML syntax error with the file name', () => {
    const file = join(tempDir(), 'zw.yaml');
    writeFileSync(file, 'port: [1\n');
    expect(errorOf(() => loadConfig({ ZW_CONFIG: file }))).toContain(file);
  });
});
