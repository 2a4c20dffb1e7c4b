import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createHostMetrics } from '../metrics/host-metrics.js';
import { alertPlugin, loaded } from '../../test-support/fixtures.js';
import { SourceInstance } from './source-instance.js';

const build = (namespaces: string[] | undefined, scope: string[]) => {
  const metrics = createHostMetrics({ defaultMetrics: false });
  return SourceInstance.build(loaded(alertPlugin), {
    id: 'shop/alerts',
    spec: { source: 'alert', namespaces },
    namespace: 'shop',
    scope,
    defaultTtlSeconds: 60,
    dedupWindowSeconds: 60,
    defaultPath: '/ingest/alert',
    log: pino({ level: 'silent' }),
    registry: metrics.registry,
    metrics,
    emit: () => undefined,
  });
};

describe('SourceInstance scope', () => {
  it('refuses an Ingester naming namespaces outside the deployment\'s WATCH_NAMESPACE, naming them', () => {
    const r = build(['shop', 'billing'], ['shop', 'zen-system']);
    expect(r).toMatchObject({ ok: false, reason: 'NamespaceOutOfScope' });
    expect(!r.ok && r.message).toMatch(/billing, outside this deployment's WATCH_NAMESPACE \(shop, zen-system\)/);
  });

  it('takes namespaces within the scope, and any namespace when the deployment covers all', () => {
    expect(build(['shop'], ['shop', 'zen-system']).ok).toBe(true);
    expect(build(['billing'], []).ok).toBe(true);
    expect(build(undefined, ['shop']).ok).toBe(true);
  });
});
