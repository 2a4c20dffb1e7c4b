import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import plugin from '../src/index.js';

const delivery = readFileSync(new URL('./fixtures/sample-delivery.json', import.meta.url), 'utf8');
const findings = JSON.parse(delivery) as Record<string, unknown>[];

describe('{{pluginName}}', () => {
  it('turns the sample delivery into events and skips what is below minSeverity', async () => {
    const r = await runWebhook(plugin, { rawBody: delivery, contentType: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events).toEqual([
      expect.objectContaining({
        severity: 'high',
        category: 'security',
        eventType: '{{snakeName}}_finding',
        resource: { kind: 'Ingress', name: 'web', namespace: 'shop' },
        dedupKey: 'shop/Ingress/web/weak-tls-cipher',
      }),
    ]);
    expect(r.metrics['skipped_total{reason="below_min_severity"}']).toBe(1);
  });

  it('reads NDJSON as the host does', async () => {
    const rawBody = findings.map((f) => JSON.stringify(f)).join('\n');
    const r = await runWebhook(plugin, { rawBody, contentType: 'application/x-ndjson', config: { minSeverity: 'info' } });
    expect(r.events.map((e) => e.dedupKey)).toEqual(['shop/Ingress/web/weak-tls-cipher', 'shop/Ingress/web/missing-hsts']);
  });

  it('gives a repeat the same dedup key, whatever its time', async () => {
    const a = await runWebhook(plugin, { body: findings[0] });
    const b = await runWebhook(plugin, { body: { ...findings[0], detectedAt: '2026-11-27T06:00:00Z' } });
    expect(b.events[0].dedupKey).toBe(a.events[0].dedupKey);
  });

  it('leaves out a finding that breaks the schema, naming it, and keeps the others', async () => {
    const r = await runWebhook(plugin, { body: [{ ...findings[0], severity: 'urgent' }, findings[1]], config: { minSeverity: 'info' } });
    expect(r.status).toBe(200);
    expect(r.invalidItems).toBe(1);
    expect(r.issues).toContainEqual(expect.objectContaining({ index: 0, path: '/severity' }));
    expect(r.events.map((e) => e.dedupKey)).toEqual(['shop/Ingress/web/missing-hsts']);
  });

  it('answers 400 when no finding of a delivery is valid', async () => {
    const r = await runWebhook(plugin, { body: { ...findings[0], severity: 'urgent' } });
    expect(r.status).toBe(400);
    expect(r.issues.map((i) => i.path)).toContain('/severity');
  });

  it('refuses an unknown config key, naming it', async () => {
    await expect(runWebhook(plugin, { config: { minSeverty: 'high' }, body: findings[0] })).rejects.toThrow(/minSeverty/);
  });
});
