// Local mode with the shipped default config (core/config/local.yaml, no ZW_CONFIG): what a
// newcomer gets from `npm start`. It serves every bundled webhook source.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/wait-for.ts';
import { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { fixtureJson, fixtureText, type Obs } from './source-fixtures.ts';

const BUNDLED = ['falco', 'audit', 'webhook', 'trivy', 'kyverno', 'configmap', 'k8s-events'];

let proc: ZenWatcherProcess;
let file: string;

beforeAll(async () => {
  file = join(mkdtempSync(join(tmpdir(), 'zw-local-default-')), 'observations.jsonl');
  proc = new ZenWatcherProcess({ name: 'local-default', env: { ZW_MODE: 'local', OUTPUT_FILE: file } });
  await proc.start();
  await proc.ready();
}, 30_000);
afterAll(async () => {
  if (proc?.running) await proc.stop('SIGKILL');
});

describe('local mode with the shipped config', () => {
  it('lists every bundled webhook source, and no informer source', async () => {
    const shipped = parse(readFileSync(join(import.meta.dirname, '..', '..', 'core', 'config', 'local.yaml'), 'utf8')) as { sources: { source: string }[] };
    const webhooks: string[] = [];
    for (const name of BUNDLED) {
      const plugin = ((await import(`@zen-watcher/plugin-${name}`)) as { default: { kind: string } }).default;
      if (plugin.kind === 'webhook') webhooks.push(name);
    }
    expect(webhooks.sort()).toEqual(['audit', 'falco', 'webhook']);
    expect(shipped.sources.map((s) => s.source).sort()).toEqual(webhooks);
  });

  it('serves /ingest/audit (the README tour) and writes the Observation', async () => {
    expect(proc.logged('source started').map((l) => l.path).sort()).toEqual(['/ingest/audit', '/ingest/falco', '/ingest/webhook']);
    const res = await proc.post('/ingest/audit', fixtureJson('audit', 'event-v1-metadata-create-secret-kube-system.json'));
    expect(res.status).toBe(200);
    const obs = await waitFor('the audit Observation in the file', () => {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
      return lines.map((l) => JSON.parse(l) as Obs).find((o) => o.spec.source === 'audit');
    });
    expect([obs.spec.severity, obs.spec.eventType, obs.spec.title]).toEqual(['medium', 'secret_write', 'Secret kube-system/bootstrap-token-ne7bxu created by admin']);
  });
});

describe('the generic webhook with no config', () => {
  it('recognises a Grafana alerting notification: one Observation per alert, at its startsAt', async () => {
    const res = await proc.post('/ingest/webhook', fixtureText('webhook', 'grafana-9-alerting-webhook-three-alerts-firing.json'), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    const obs = await waitFor('two webhook Observations in the file', () => {
      const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
      const webhook = [...new Map(lines.map((l) => JSON.parse(l) as Obs).filter((o) => o.spec.source === 'webhook').map((o) => [o.metadata.name, o])).values()];
      return webhook.length === 3 ? webhook : undefined;
    });
    expect(obs.map((o) => [o.spec.title, o.spec.eventType, o.spec.detectedAt]).sort()).toEqual([
      ['Second webhook test', 'second_webhook_test', '2022-06-17T01:03:00.782Z'],
      ['Test alert on badhost.example.com', 'test_alert', '2022-06-17T01:11:00.782Z'],
      ['Test alert on otherhost.example.com', 'test_alert', '2022-06-17T01:11:00.782Z'],
    ]);
  });
});
