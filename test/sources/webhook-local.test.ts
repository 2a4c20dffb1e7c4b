import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../harness/wait-for.ts';
import { ZenWatcherProcess } from '../harness/zen-watcher-process.ts';
import { byTitle, fixtureJson, fixtureText, summary, type Obs } from './source-fixtures.ts';

// The webhook sources end to end in local mode: the real command with a ZW_CONFIG file that
// runs falco, audit and webhook (no cluster), the plugins' fixture payloads POSTed to
// /ingest/<source>, and the Observations read back from the JSON-lines file.

const ALERTMANAGER = {
  itemsPath: 'alerts',
  title: '{{labels.alertname}} on {{labels.instance|labels.pod}}',
  description: '{{annotations.summary|annotations.description}}',
  severityPath: 'labels.severity',
  eventTypePath: 'labels.alertname',
  detectedAtPath: 'startsAt',
  dedupFields: ['labels'],
  ignoreWhen: [{ path: 'status', values: ['resolved'] }],
};

let proc: ZenWatcherProcess;
let file: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zw-sources-local-'));
  file = join(dir, 'observations.jsonl');
  const config = join(dir, 'zen-watcher.yaml');
  writeFileSync(config, stringify({ sources: [{ source: 'falco' }, { source: 'audit' }, { source: 'webhook', config: ALERTMANAGER }] }));
  proc = new ZenWatcherProcess({ name: 'local-sources', env: { ZW_MODE: 'local', ZW_CONFIG: config, OUTPUT_FILE: file, DEDUP_FLUSH_INTERVAL_SECONDS: '1' } });
  await proc.start();
  await proc.ready();
}, 30_000);
afterAll(async () => {
  if (proc?.running) await proc.stop('SIGKILL');
});

/** The file is a log of states: the last line of each Observation is its current state. */
function observations(source: string): Obs[] {
  const latest = new Map<string, Obs>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as Obs;
    latest.set(`${o.metadata.namespace}/${o.metadata.name}`, o);
  }
  return [...latest.values()].filter((o) => o.spec.source === source);
}

async function post(source: string, body: string, contentType = 'application/json'): Promise<Record<string, number>> {
  const res = await proc.post(`/ingest/${source}`, body, { 'content-type': contentType });
  const answer = (await res.json()) as Record<string, number>;
  expect(res.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

const waitForCount = (source: string, where: (o: Obs) => boolean, count: number) =>
  waitFor(`${source} Observations counted ${count}`, () => {
    const obs = observations(source).filter(where);
    return obs.length > 0 && obs.every((o) => o.status?.count === count) ? obs : undefined;
  }, { timeoutMs: 10_000, describe: () => observations(source).filter(where).map((o) => [o.spec.title, o.status]) });

describe('local mode: falco, audit and webhook from a config file', () => {
  it('serves each configured source at /ingest/<source>', async () => {
    expect(proc.logged('source started').map((l) => l.path).sort()).toEqual(['/ingest/audit', '/ingest/falco', '/ingest/webhook']);
    expect((await proc.post('/ingest/trivy', {})).status).toBe(404);
  });

  it('falco: an alert is one JSON line with the mapped fields; a repeat counts on it', async () => {
    const shell = fixtureText('falco', 'raw-syscall-critical-terminal-shell.json');
    expect(await post('falco', shell)).toMatchObject({ received: 1, created: 1 });
    const [obs] = observations('falco');
    expect(obs).toMatchObject({ apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Observation', metadata: { namespace: 'default' }, status: { count: 1 } });
    expect(summary(obs)).toEqual(['critical', 'security', 'runtime_threat', 'Terminal shell in container']);
    expect(obs.spec.resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'kubecon', namespace: 'default' });
    expect(obs.spec.detectedAt).toBe('2023-05-25T13:44:05.478Z');
    await post('falco', shell);
    const again = await waitForCount('falco', (o) => o.spec.title === 'Terminal shell in container', 2);
    expect(again.map((o) => o.metadata.name)).toEqual([obs.metadata.name]);

    const answer = await post('falco', fixtureText('falco', 'raw-ndjson-warning-open-from-cat-8-alerts.jsonl'), 'application/x-ndjson');
    expect(answer.received).toBe(8);
    const [cat] = await waitForCount('falco', (o) => o.spec.title === 'open_from_cat', 8);
    expect(summary(cat)).toEqual(['medium', 'security', 'runtime_threat', 'open_from_cat']);
    expect(observations('falco')).toHaveLength(2);
  });

  it('audit: an EventList of four events is four Observations; re-sent, nothing is counted twice', async () => {
    const files = ['event-no-kind-request-exec-pod.json', 'event-no-kind-requestresponse-create-clusterrolebinding.json', 'event-v1-metadata-create-secret-kube-system.json', 'event-v1beta1-requestresponse-create-privileged-pod.json'];
    const list = JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: files.map((f) => fixtureJson('audit', f)) });
    expect(await post('audit', list)).toMatchObject({ received: 4, created: 4 });
    expect(observations('audit').sort(byTitle).map((o) => [...summary(o), o.metadata.namespace])).toEqual([
      ['medium', 'security', 'pod_exec', 'exec into pod default/nginx-deployment-7998647bdf-phvq7 by minikube-user', 'default'],
      ['high', 'security', 'privileged_pod', 'Privileged pod created: default/nginx-deployment-5cdcc99dbf-rgw6z', 'default'],
      ['medium', 'security', 'rbac_change', 'RBAC ClusterRoleBinding some-reader-binding created by minikube-user', 'default'],
      ['medium', 'security', 'secret_write', 'Secret kube-system/bootstrap-token-ne7bxu created by admin', 'kube-system'],
    ]);
    await post('audit', list);
    await new Promise((r) => setTimeout(r, 1_500)); // a dedup flush
    expect(observations('audit').map((o) => o.status?.count)).toEqual([1, 1, 1, 1]);
  });

  it('audit: repeats of one finding are counted on one Observation (six creates of one ConfigMap)', async () => {
    const six = fixtureText('audit', 'events-ndjson-6-create-configmap-sensitive-values.jsonl');
    expect(await post('audit', six, 'application/x-ndjson')).toMatchObject({ received: 6 });
    const [obs] = await waitForCount('audit', (o) => o.spec.eventType === 'configmap_write', 6);
    expect(summary(obs)).toEqual(['low', 'security', 'configmap_write', 'ConfigMap default/my-config created by minikube-user']);
    expect(obs.status?.firstSeenAt).toBe('2018-10-26T09:51:20.713Z');
    expect(observations('audit').filter((o) => o.spec.eventType === 'configmap_write')).toHaveLength(1);
  });

  it('webhook: an Alertmanager group is one Observation per alert; firing again counts, resolved is ignored', async () => {
    const three = fixtureText('webhook', 'alertmanager-v4-compact-three-alerts-firing.json');
    expect(await post('webhook', three)).toMatchObject({ received: 3, created: 3 });
    const obs = observations('webhook').sort(byTitle);
    expect(obs.map(summary)).toEqual(['30', '50', '66'].map((ip) => ['high', 'operations', 'icmp_ping_failed', `ICMP ping failed on 172.29.254.${ip}`]));
    expect(obs[0].spec.description).toBe('172.29.254.30 does not reply to ICMP pings');
    const again = JSON.parse(three);
    for (const a of again.alerts) a.startsAt = '2019-09-27T17:00:00Z';
    await post('webhook', JSON.stringify(again));
    await waitForCount('webhook', () => true, 2);
    const resolved = JSON.parse(three);
    for (const a of resolved.alerts) a.status = 'resolved';
    expect(await post('webhook', JSON.stringify(resolved))).toMatchObject({ received: 0 });
    expect(observations('webhook').map((o) => o.status?.count)).toEqual([2, 2, 2]);
  });
});
