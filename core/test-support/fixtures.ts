import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Type from 'typebox';
import { definePlugin } from '@zen-watcher/sdk';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load-config.js';
import type { HostConfig } from '../src/config/host-config.js';
import { createHost, type Host, type HostOptions } from '../src/host.js';
import type { LoadedPlugin } from '../src/plugins/discovery.js';

/** A small webhook plugin used to test the host without depending on a bundled plugin. */
export const alertPlugin = definePlugin({
  name: 'alert',
  kind: 'webhook',
  accepts: ['json', 'ndjson'],
  config: Type.Object({ prefix: Type.String({ default: '', maxLength: 10 }) }, { additionalProperties: false }),
  item: Type.Object({ id: Type.String({ maxLength: 100 }), severity: Type.Optional(Type.String()), ns: Type.Optional(Type.String()), count: Type.Optional(Type.Integer({ minimum: 1 })) }),
  handle(items, ctx) {
    return items.map((a) => {
      if (a.id === 'throw') throw new Error('plugin bug');
      return {
        severity: (a.severity ?? 'high') as 'high',
        category: 'security' as const,
        eventType: 'test_alert',
        title: `${ctx.config.prefix}${a.id}`,
        resource: a.ns ? { kind: 'Pod', name: 'p', namespace: a.ns } : undefined,
        detectedAt: '2026-11-26T06:00:00.000Z',
        dedupKey: a.id,
        count: a.count,
      };
    });
  },
});

export function loaded(...plugins: LoadedPlugin['plugin'][]): Map<string, LoadedPlugin> {
  return new Map(plugins.map((p) => [p.name, { plugin: p, packageName: `test-${p.name}`, version: '0.0.0', origin: 'configured' as const }]));
}

export function tempDir(prefix = 'zw-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A local-mode host on an ephemeral port writing to a temp file, serving the test plugin. */
export async function testHost(env: Record<string, string> = {}, options: Partial<HostOptions> = {}): Promise<{ host: Host; config: HostConfig; file: string }> {
  const file = join(tempDir(), 'observations.jsonl');
  const { config } = loadConfig({ ZW_MODE: 'local', PORT: '0', HOST: '127.0.0.1', OUTPUT_FILE: file, LOG_LEVEL: 'silent', ...env });
  const withSources: HostConfig = { ...config, sources: config.sources.length ? config.sources : [{ source: 'alert' }] };
  const host = await createHost(withSources, { log: pino({ level: 'silent' }), plugins: loaded(alertPlugin), defaultMetrics: false, ...options });
  return { host, config: withSources, file };
}
