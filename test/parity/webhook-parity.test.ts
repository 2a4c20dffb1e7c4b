import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, loadConfig, type Host, type LoadedPlugin } from '@zen-watcher/core';
import audit from '@zen-watcher/plugin-audit';
import falco from '@zen-watcher/plugin-falco';
import webhook from '@zen-watcher/plugin-webhook';
import { definePlugin } from '@zen-watcher/sdk';
import { runWebhook } from '@zen-watcher/sdk/testing';
import { pino } from 'pino';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One table of bodies × content types, run through the host (a local-mode host, app.inject)
// and through @zen-watcher/sdk/testing's runWebhook: the same status, the same issues (index,
// path, message), the same count of items left out, the same events, and the plugin sees the
// same request headers (credentials stripped) in both.

/** The headers each call of the probe's handle saw. */
const seen: Record<string, unknown>[] = [];

/** A batch plugin that records its request headers. */
const probe = definePlugin({
  name: 'probe',
  kind: 'webhook',
  accepts: ['json', 'ndjson'],
  item: Type.Object({ id: Type.String({ maxLength: 20 }) }),
  itemsField: 'items',
  handle(items, _ctx, req) {
    seen.push({ ...req.headers });
    return items.map((i) => ({ severity: 'low' as const, category: 'operations' as const, eventType: 'probe', title: i.id, detectedAt: '2026-11-26T06:00:00.000Z', dedupKey: i.id }));
  },
});

const fixture = (plugin: string, file: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'plugins', plugin, 'test', 'fixtures', file), 'utf8'));

let auditIds = 0;

/** Per plugin: an item it takes, one it refuses. */
const SAMPLES = {
  probe: { plugin: probe, good: { id: 'a' }, bad: { id: 5 } },
  falco: { plugin: falco, good: fixture('falco', 'raw-syscall-critical-terminal-shell.json'), bad: { rule: 'Terminal shell in container' } },
  audit: {
    plugin: audit,
    // A fresh auditID each time: the audit plugin counts one request once, so a re-sent one
    // (the same auditID posted to the long-lived host again) would be a repeat, not a finding.
    get good() {
      return { ...fixture('audit', 'event-v1-metadata-create-secret-kube-system.json'), auditID: `parity-${++auditIds}` };
    },
    bad: { kind: 'Event', stage: 'ResponseComplete' },
  },
  webhook: { plugin: webhook, good: { message: 'disk full', severity: 'warning' }, bad: 42 },
} as const;
type Sample = (typeof SAMPLES)[keyof typeof SAMPLES];

const j = JSON.stringify;
const ndjson = (...items: unknown[]) => items.map((i) => j(i)).join('\n') + '\n';

/** [what, content type ('': none sent), body] */
const BODIES: [string, string, (s: Sample) => string][] = [
  ['one item as JSON', 'application/json', (s) => j(s.good)],
  ['JSON with a charset', 'application/json; charset=utf-8', (s) => j(s.good)],
  ['JSON, upper case', 'Application/JSON', (s) => j(s.good)],
  ['a +json type', 'application/cloudevents+json', (s) => j(s.good)],
  ...['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json-seq', 'application/x-json-stream', 'application/x-ndjson; charset=utf-8'].map(
    (ct): [string, string, (s: Sample) => string] => [`NDJSON as ${ct}`, ct, (s) => ndjson(s.good, s.good)],
  ),
  ['NDJSON with a broken line', 'application/x-ndjson', (s) => `${j(s.good)}\n{"broken": \n`],
  ['no content type', '', (s) => j(s.good)],
  ['no content type and no body', '', () => ''],
  ['text/plain', 'text/plain', (s) => j(s.good)],
  ['form data', 'application/x-www-form-urlencoded', () => 'a=b'],
  ['broken JSON', 'application/json', () => '{"id": "a"'],
  ['a __proto__ key', 'application/json', (s) => `{"__proto__": {"polluted": true}, ${j(s.good).slice(1)}`],
  ['a nested __proto__ key', 'application/json', (s) => j([s.good]).replace(/^\[\{/, '[{"x": {"__proto__": {"polluted": true}}, ')],
  ['a batch with one bad item', 'application/json', (s) => j([s.good, s.bad, s.good])],
  ['an NDJSON batch with one bad item', 'application/x-ndjson', (s) => ndjson(s.bad, s.good)],
  ['an all-bad batch', 'application/json', (s) => j([s.bad, s.bad])],
  ['one bad item', 'application/json', (s) => j(s.bad)],
  ['an envelope with one bad item', 'application/json', (s) => j({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items: [s.good, s.bad] })],
  ['an empty body', 'application/json', () => ''],
  ['an empty NDJSON body', 'application/x-ndjson', () => ''],
  ['an empty array', 'application/json', () => '[]'],
  ['null', 'application/json', () => 'null'],
];

/** Sent with every request: the credential headers must not reach the plugin, the rest must. */
const HEADERS = {
  Authorization: 'Bearer s3cret',
  cookie: 'session=s3cret',
  'X-Hub-Signature-256': 'sha256=00',
  'x-zen-signature': 'sha256=00',
  'Stripe-Signature': 't=1,v1=00',
  'X-Request-Id': 'req-1',
  'user-agent': 'parity-test',
};

let host: Host;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'zw-parity-')), 'observations.jsonl');
  const { config } = loadConfig({ ZW_MODE: 'local', PORT: '0', HOST: '127.0.0.1', OUTPUT_FILE: file, LOG_LEVEL: 'silent', DEDUP_WINDOW_SECONDS: '0' });
  const plugins = new Map<string, LoadedPlugin>(Object.values(SAMPLES).map((s) => [s.plugin.name, { plugin: s.plugin, packageName: `test-${s.plugin.name}`, version: '0.0.0', origin: 'configured' } as LoadedPlugin]));
  host = await createHost({ ...config, sources: Object.keys(SAMPLES).map((source) => ({ source })) } as typeof config, { log: pino({ level: 'silent' }), plugins, defaultMetrics: false });
  await host.start();
});
afterAll(() => host?.close());

interface Answer {
  status: number;
  issues: unknown[];
  invalidItems: number;
  events: number;
  headers?: Record<string, unknown>;
}

async function throughHost(s: Sample, contentType: string, body: string): Promise<Answer> {
  seen.length = 0;
  const res = await host.app.inject({ method: 'POST', url: `/ingest/${s.plugin.name}`, headers: { ...HEADERS, ...(contentType ? { 'content-type': contentType } : {}) }, payload: body });
  const json = res.json();
  const events = res.statusCode === 200 ? json.created + json.merged + json.deduped + json.filtered : 0;
  return { status: res.statusCode, issues: json.issues ?? [], invalidItems: json.invalid ?? 0, events, headers: seen[0] };
}

async function throughHarness(s: Sample, contentType: string, body: string): Promise<Answer> {
  seen.length = 0;
  const r = await runWebhook(s.plugin as never, { rawBody: body, contentType, headers: HEADERS });
  return { status: r.status, issues: r.issues, invalidItems: r.status === 200 ? r.invalidItems : 0, events: r.status === 200 ? r.events.length : 0, headers: seen[0] };
}

/**
 * The headers the plugin was shown of those the test sent (and the content type), as sent:
 * what only an HTTP connection adds (host, content-length) is left out.
 */
function sentHeaders(h: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!h) return undefined;
  return Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'host' && k !== 'content-length'));
}

describe.each(Object.keys(SAMPLES) as (keyof typeof SAMPLES)[])('%s: host and runWebhook answer alike', (name) => {
  const s: Sample = SAMPLES[name];
  it.each(BODIES)('%s', async (_what, contentType, bodyOf) => {
    const body = bodyOf(s);
    const fromHost = await throughHost(s, contentType, body);
    const fromHarness = await throughHarness(s, contentType, body);
    expect({ ...fromHarness, headers: sentHeaders(fromHarness.headers) }).toEqual({ ...fromHost, headers: sentHeaders(fromHost.headers) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('what the plugin is shown', () => {
  it('the same headers, credentials stripped, in both', async () => {
    const fromHost = await throughHost(SAMPLES.probe, 'application/json', '{"id":"a"}');
    expect(sentHeaders(fromHost.headers)).toEqual({ 'x-request-id': 'req-1', 'user-agent': 'parity-test', 'content-type': 'application/json' });
    const fromHarness = await throughHarness(SAMPLES.probe, 'application/json', '{"id":"a"}');
    expect(sentHeaders(fromHarness.headers)).toEqual(sentHeaders(fromHost.headers));
  });
});
