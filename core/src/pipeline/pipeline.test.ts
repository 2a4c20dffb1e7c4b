import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Host } from '../host.js';
import { testHost } from '../../test-support/fixtures.js';

let host: Host | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const post = (payload: unknown) => host!.app.inject({ method: 'POST', url: '/ingest/alert', headers: { 'content-type': 'application/json' }, payload: payload as object });

function metric(body: string, line: string): number {
  const m = body.split('\n').find((l) => l.startsWith(line + ' '));
  return m ? Number(m.split(' ').pop()) : 0;
}

describe('pipeline', () => {
  it('counts each stage per source: filtered by reason, deduped, created', async () => {
    const t = await testHost();
    host = t.host;
    t.config.sources.splice(0, 1, { source: 'alert', filters: { minSeverity: 'medium', excludeNamespaces: ['kube-system'] } });
    await host.start();
    await post([{ id: 'a' }, { id: 'a' }, { id: 'b', severity: 'low' }, { id: 'c', ns: 'kube-system' }, { id: 'd', ns: 'shop' }]);
    const m = (await host.app.inject('/metrics')).body;
    expect(metric(m, 'zen_watcher_observations_created_total{source="alert",severity="high",category="security"}')).toBe(2);
    expect(metric(m, 'zen_watcher_observations_filtered_total{source="alert",reason="min_severity"}')).toBe(1);
    expect(metric(m, 'zen_watcher_observations_filtered_total{source="alert",reason="namespace"}')).toBe(1);
  });

  it('absorbs a repeat within the window and writes its count at flush', async () => {
    const t = await testHost();
    host = t.host;
    await host.start();
    expect((await post({ id: 'same' })).json()).toMatchObject({ created: 1 });
    expect((await post({ id: 'same' })).json()).toMatchObject({ deduped: 1 });
    expect((await post({ id: 'same' })).json()).toMatchObject({ deduped: 1 });
    await host.pipeline.flush();
    const lines = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status.count)).toEqual([1, 3]);
    expect(new Set(lines.map((l) => l.metadata.name)).size).toBe(1);
    expect(metric((await host.app.inject('/metrics')).body, 'zen_watcher_observations_deduped_total{source="alert"}')).toBe(2);
  });

  it('merges after the window instead of creating a second Observation', async () => {
    const t = await testHost({ DEDUP_WINDOW_SECONDS: '0' });
    host = t.host;
    await host.start();
    await post({ id: 'x' });
    expect((await post({ id: 'x' })).json()).toMatchObject({ merged: 1, created: 0 });
    const lines = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status.count)).toEqual([1, 2]);
  });

  it('raises rather than adds for event-like counts', async () => {
    const t = await testHost({ DEDUP_WINDOW_SECONDS: '0' });
    host = t.host;
    await host.start();
    await post({ id: 'ev', count: 5 });
    await post({ id: 'ev', count: 7 });
    await post({ id: 'ev', count: 6 });
    const lines = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.status.count)).toEqual([5, 7, 7]);
  });

  it('keeps different findings apart', async () => {
    const t = await testHost();
    host = t.host;
    await host.start();
    await post([{ id: 'one' }, { id: 'two' }]);
    const names = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).metadata.name);
    expect(new Set(names).size).toBe(2);
  });
});

describe('pipeline batches', () => {
  it('writes repeats of one finding within a request as one Observation carrying their count', async () => {
    const t = await testHost();
    host = t.host;
    await host.start();
    const res = await post([{ id: 'burst' }, { id: 'burst' }, { id: 'burst' }, { id: 'other' }]);
    expect(res.json()).toMatchObject({ received: 4, created: 2, merged: 2 });
    const lines = readFileSync(t.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.spec.title, l.status.count]).sort()).toEqual([['burst', 3], ['other', 1]]);
  });
});
