import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, loadConfig, type Host, type LoadedPlugin } from '@zen-watcher/core';
import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { pino } from 'pino';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';

// The dedup cache keys Observations as the sinks do, by namespace and name: one finding (one
// dedup key, so one Observation name) reported in two namespaces within the window is two
// Observations, neither absorbed into the other. End to end through a local-mode host.

/** One finding per body: `key` is its dedup key, `ns` the namespace of the affected object. */
const finding = definePlugin({
  name: 'finding',
  kind: 'webhook',
  body: Type.Object({ key: Type.String(), ns: Type.String() }),
  handle: (body): SourceEvent[] => [
    { severity: 'high', category: 'security', eventType: 'unit_test', title: body.key, resource: { kind: 'Pod', name: 'p', namespace: body.ns }, detectedAt: '2026-11-26T06:00:00.000Z', dedupKey: body.key },
  ],
});

let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

describe('dedup across namespaces (local mode)', () => {
  it('the same finding in two namespaces within the window is two Observations; a repeat in one is absorbed into that one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'zw-dedup-')), 'observations.jsonl');
    const { config } = loadConfig({ ZW_MODE: 'local', PORT: '0', HOST: '127.0.0.1', OUTPUT_FILE: file, LOG_LEVEL: 'silent', DEDUP_WINDOW_SECONDS: '600' });
    const plugins = new Map([['finding', { plugin: finding, packageName: 'test-finding', version: '0.0.0', origin: 'configured' } as unknown as LoadedPlugin]]);
    host = await createHost({ ...config, sources: [{ source: 'finding' }] } as typeof config, { log: pino({ level: 'silent' }), plugins, defaultMetrics: false });
    await host.start();
    const post = async (ns: string) => (await host!.app.inject({ method: 'POST', url: '/ingest/finding', headers: { 'content-type': 'application/json' }, payload: { key: 'same', ns } })).json();

    expect(await post('team-a')).toMatchObject({ created: 1, deduped: 0 });
    expect(await post('team-b')).toMatchObject({ created: 1, deduped: 0 });
    expect(await post('team-b')).toMatchObject({ created: 0, deduped: 1 });
    await host.close();

    // The file is a log of states: the last line per Observation is where it stands.
    const last = new Map<string, { metadata: { namespace: string; name: string }; status: { count: number } }>();
    for (const line of readFileSync(file, 'utf8').trim().split('\n')) {
      const o = JSON.parse(line);
      last.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
    }
    const states = [...last.values()].map((o) => [o.metadata.namespace, o.status.count]).sort();
    expect(states).toEqual([
      ['team-a', 1],
      ['team-b', 2],
    ]);
    expect(new Set([...last.values()].map((o) => o.metadata.name)).size).toBe(1);
  });
});
