// Real Falco alerts (the falco plugin's fixtures, each with its origin in SOURCES.md), made
// distinct: every alert the benchmark sends is a new finding, so every acknowledged one must
// be exactly one new Observation.
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import falco from '@zen-watcher/plugin-falco';
import { runWebhook } from '@zen-watcher/sdk/testing';
import { toObservation } from '../../core/src/pipeline/normalize.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'plugins', 'falco', 'test', 'fixtures');

type Alert = { rule: string; hostname?: string; source?: string; output_fields?: Record<string, unknown> };

/** Every alert of the fixtures: the single-alert files and each line of the NDJSON capture. */
export function fixtureAlerts(): Alert[] {
  const out: Alert[] = [];
  for (const f of readdirSync(FIXTURES).sort()) {
    const text = readFileSync(join(FIXTURES, f), 'utf8');
    if (f.endsWith('.json')) out.push(JSON.parse(text) as Alert);
    else if (f.endsWith('.jsonl')) for (const line of text.split('\n').filter((l) => l.trim())) out.push(JSON.parse(line) as Alert);
  }
  return out.filter((a) => a && typeof a === 'object' && typeof a.rule === 'string');
}

const isK8sAudit = (a: Alert) => /^k8s_?audit$/i.test(a.source ?? '') || a.output_fields?.['ka.target.resource'] !== undefined;

/**
 * Alert `i` of a pass writing into `namespace`, distinct in what the falco dedup key reads (the
 * rule, the affected resource, or the host when there is none): a k8saudit alert names its own
 * target object, a pod alert its own pod, a host alert its own host. The namespace is in every
 * varied name, so two passes never share a finding (a host alert's key has no namespace).
 */
export function distinctAlert(template: Alert, i: number, namespace: string): Alert {
  const a = structuredClone(template);
  const fields = (a.output_fields ??= {});
  const tag = `${namespace}-${i}`;
  if (isK8sAudit(a)) {
    fields['ka.target.name'] = `${String(fields['ka.target.name'] ?? 'object')}-${tag}`;
    fields['ka.target.namespace'] = namespace;
  } else if (fields['k8s.pod.name'] !== undefined) {
    fields['k8s.pod.name'] = `${String(fields['k8s.pod.name'])}-${tag}`;
    fields['k8s.ns.name'] = namespace;
  }
  // Host alerts (no pod, no container) are keyed by host; the others keep theirs, varied too.
  a.hostname = `${a.hostname ?? 'node'}-${tag}`;
  return a;
}

/** `count` request bodies for a pass, cycling through the fixtures. */
export function alertBodies(count: number, namespace: string): string[] {
  const alerts = fixtureAlerts();
  return Array.from({ length: count }, (_, i) => JSON.stringify(distinctAlert(alerts[i % alerts.length], i, namespace)));
}

/**
 * The bare create loop's Observation: what zen-watcher makes of the first fixture alert (label
 * and spec), written to `dir` for bench/informer-scale/create-loop.ts. Its source is `baseline`.
 */
export async function falcoObservationTemplate(dir: string): Promise<string> {
  const run = await runWebhook(falco, { body: distinctAlert(fixtureAlerts()[0], 0, 'baseline') });
  const [event] = run.events;
  if (!event) throw new Error(`the falco plugin made no event of the first fixture (status ${run.status})`);
  const obs = toObservation(event, event.dedupKey ?? 'baseline', { source: 'baseline', defaultNamespace: 'baseline', scope: [], ttlSecondsAfterCreation: 0, receivedAt: new Date().toISOString() });
  const path = join(dir, 'falco-observation-template.json');
  await writeFile(path, JSON.stringify({ metadata: { labels: obs.metadata.labels }, spec: obs.spec }));
  return path;
}
