// Request bodies for the webhook benchmark: real payloads from the plugins' fixtures, each made
// into a distinct finding, so every request takes the full path (a dedup miss and a write).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** 50,000 distinct bodies per pass: a pass that sends more repeats some (the dedup path, a realistic mix). */
export const BODIES_PER_PASS = 50_000;

/**
 * Bodies for `source` (falco: real alerts with the pod varied; audit: a real audit event with
 * its auditID varied; webhook: a generic JSON object with its title varied). `pass` keeps the
 * warm-up pass's findings apart from the measured pass's.
 */
export function makeBodies(root, source, pass) {
  const out = [];
  if (source === 'audit') {
    const event = JSON.parse(readFileSync(join(root, 'plugins', 'audit', 'test', 'fixtures', 'event-v1-metadata-create-secret-kube-system.json'), 'utf8'));
    for (let i = 0; i < BODIES_PER_PASS; i++) out.push(JSON.stringify({ ...event, auditID: `${pass}-${i}-${event.auditID ?? 'x'}` }));
  } else if (source === 'webhook') {
    for (let i = 0; i < BODIES_PER_PASS; i++) out.push(JSON.stringify({ title: `Backup failed for volume ${pass}-${i}`, severity: 'high', namespace: 'bench', timestamp: '2026-11-26T06:00:00Z' }));
  } else {
    const dir = join(root, 'plugins', 'falco', 'test', 'fixtures');
    const alerts = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
      .filter((a) => a && typeof a === 'object' && !Array.isArray(a) && a.rule);
    for (let i = 0; i < BODIES_PER_PASS; i++) {
      const a = structuredClone(alerts[i % alerts.length]);
      a.output_fields = { ...(a.output_fields ?? {}), 'k8s.pod.name': `bench-${pass}-${i}`, 'k8s.ns.name': 'bench' };
      out.push(JSON.stringify(a));
    }
  }
  return out;
}
