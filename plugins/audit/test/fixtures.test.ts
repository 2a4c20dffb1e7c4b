import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import audit from '../src/index.js';
import { fixture, fixtureJson } from './fixture.js';

describe('audit fixtures', () => {
  it('exec into a pod (level Request, stage ResponseStarted, no kind/apiVersion)', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('event-no-kind-request-exec-pod.json') });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(1);
    const [e] = r.events;
    expect(e).toMatchObject({
      severity: 'medium',
      category: 'security',
      eventType: 'pod_exec',
      title: 'exec into pod default/nginx-deployment-7998647bdf-phvq7 by minikube-user',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'nginx-deployment-7998647bdf-phvq7', namespace: 'default' },
      detectedAt: '2018-10-26T13:38:34.867Z',
      // Rule, user, (impersonated user), verb, object, outcome: not the auditID.
      dedupKey: 'audit|podExec|minikube-user||create|pods/exec||default|nginx-deployment-7998647bdf-phvq7|allowed',
    });
    // No count: each request is one more occurrence, counted by the host.
    expect(e.count).toBeUndefined();
    expect(e.details).toMatchObject({ command: 'bash', container: 'nginx1', user: { username: 'minikube-user' }, responseCode: 101 });
  });

  it('counts an exec session once, though it is reported at ResponseStarted and again at ResponseComplete', async () => {
    const started = fixtureJson('event-no-kind-request-exec-pod.json');
    const completed = { ...started, stage: 'ResponseComplete', stageTimestamp: '2018-10-26T13:48:00.000000Z' };
    const r = await runWebhook(audit, { body: [started, completed] });
    expect(r.events).toHaveLength(1);
    expect(r.events[0].details?.stage).toBe('ResponseStarted');
    expect(r.metrics['dropped_total{reason="repeat_delivery"}']).toBe(1);
  });

  it('counts a second exec session of the same user into the same pod on the same finding', async () => {
    const first = fixtureJson<Record<string, unknown>>('event-no-kind-request-exec-pod.json');
    const second = { ...first, auditID: 'another-session', requestReceivedTimestamp: '2018-10-26T14:00:00.000000Z' };
    const r = await runWebhook(audit, { body: [first, second] });
    expect(r.events.map((e) => e.dedupKey)).toEqual([r.events[0].dedupKey, r.events[0].dedupKey]);
    expect(r.events.map((e) => e.detectedAt)).toEqual(['2018-10-26T13:38:34.867Z', '2018-10-26T14:00:00.000Z']);
  });

  it('ClusterRoleBinding create (RequestResponse)', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('event-no-kind-requestresponse-create-clusterrolebinding.json') });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'medium',
      eventType: 'rbac_change',
      title: 'RBAC ClusterRoleBinding some-reader-binding created by minikube-user',
      resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'some-reader-binding' },
      detectedAt: '2018-10-26T13:25:18.279Z',
      details: { roleRef: { kind: 'ClusterRole', name: 'system:basic-user' }, subjects: [{ kind: 'User', name: 'minikube' }] },
    });
    expect(r.events[0].resource?.namespace).toBeUndefined();
  });

  it('a binding to cluster-admin is high', async () => {
    const e = fixtureJson<{ requestObject: { roleRef: { name: string } } }>('event-no-kind-requestresponse-create-clusterrolebinding.json');
    e.requestObject.roleRef.name = 'cluster-admin';
    const r = await runWebhook(audit, { body: e });
    expect(r.events[0].severity).toBe('high');
    expect(r.events[0].title).toBe('RBAC ClusterRoleBinding some-reader-binding created by minikube-user (cluster-admin)');
  });

  it('Secret create in kube-system (v1, level Metadata)', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('event-v1-metadata-create-secret-kube-system.json') });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'medium',
      eventType: 'secret_write',
      title: 'Secret kube-system/bootstrap-token-ne7bxu created by admin',
      resource: { apiVersion: 'v1', kind: 'Secret', name: 'bootstrap-token-ne7bxu', namespace: 'kube-system' },
      detectedAt: '2020-03-24T18:53:49.023Z',
      dedupKey: 'audit|secretWrite|admin||create|secrets||kube-system|bootstrap-token-ne7bxu|allowed',
    });
    expect(r.events[0].details).toMatchObject({ userAgent: 'kubeadm/v1.16.2 (linux/amd64) kubernetes/c97fe50', sourceIPs: ['127.0.0.1'] });
  });

  it('privileged pod (v1beta1, RequestResponse): the name comes from the response object', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('event-v1beta1-requestresponse-create-privileged-pod.json') });
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({
      severity: 'high',
      eventType: 'privileged_pod',
      title: 'Privileged pod created: default/nginx-deployment-5cdcc99dbf-rgw6z',
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'nginx-deployment-5cdcc99dbf-rgw6z', namespace: 'default' },
      detectedAt: '2018-10-25T14:09:12.572Z',
      details: { risks: ['privileged container nginx'], user: { username: 'system:serviceaccount:kube-system:replicaset-controller' } },
    });
  });

  it('37 log-backend lines: the eleven refused requests are nine findings, two of them twice', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('events-ndjson-37-v1-audit2rbac-demo.jsonl'), contentType: 'application/x-ndjson' });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    expect(r.events).toHaveLength(11);
    expect(new Set(r.events.map((e) => e.eventType))).toEqual(new Set(['access_denied']));
    // bob (impersonated by system:admin) listed pods in default twice, and so did sa1.
    const keys = r.events.map((e) => e.dedupKey);
    expect(new Set(keys).size).toBe(9);
    expect(keys.filter((k) => k === 'audit|denied|system:admin|bob|list|pods||default||403')).toHaveLength(2);
    expect(keys.filter((k) => k === 'audit|denied|system:admin|system:serviceaccount:ns1:sa1|list|pods||default||403')).toHaveLength(2);
    expect(r.metrics['dropped_total{reason="no_matching_rule"}']).toBe(26);
    // Impersonated: the title names who the request acted as; v1 lines carry only `timestamp`.
    expect(r.events[0]).toMatchObject({
      severity: 'low',
      title: 'Denied (403): bob list pods in default',
      resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'default' },
      detectedAt: '2017-09-11T19:55:05.000Z',
      details: { user: { username: 'system:admin' }, impersonatedUser: { username: 'bob' }, responseReason: 'Forbidden' },
    });
    expect(r.events[0].message).toMatch(/^system:admin \(as bob\) list \/api\/v1\/namespaces\/default\/pods from ::1 → 403: pods is forbidden/);
    const last = r.events[10];
    expect(last.title).toBe('Denied (403): alice list secrets in ns1');
    expect(last.resource).toEqual({ apiVersion: 'v1', kind: 'Secret', namespace: 'ns1' });
    const nodes = r.events.find((e) => e.resource?.kind === 'Node');
    expect(nodes?.title).toBe('Denied (403): system:serviceaccount:ns1:sa1 list nodes in all namespaces');
  });

  it('6 ConfigMap writes: one finding, six occurrences', async () => {
    const r = await runWebhook(audit, { rawBody: fixture('events-ndjson-6-create-configmap-sensitive-values.jsonl'), contentType: 'application/x-ndjson' });
    // Six requests (six auditIDs) of one user creating one ConfigMap: what an operator calls
    // one finding. The host counts the six occurrences on one Observation.
    expect(r.events).toHaveLength(6);
    expect(new Set(r.events.map((e) => e.dedupKey))).toEqual(new Set(['audit|configMapWrite|minikube-user||create|configmaps||default|my-config|allowed']));
    expect(r.events.every((e) => e.count === undefined)).toBe(true);
    for (const e of r.events) {
      expect(e).toMatchObject({
        severity: 'low',
        eventType: 'configmap_write',
        title: 'ConfigMap default/my-config created by minikube-user',
        resource: { apiVersion: 'v1', kind: 'ConfigMap', name: 'my-config', namespace: 'default' },
      });
    }
    // The ConfigMap's data (here: AWS keys) is never copied into the Observation.
    expect(JSON.stringify(r.events)).not.toMatch(/MY-KEY/);
    expect(r.events.map((e) => e.detectedAt)).toEqual([
      '2018-10-26T09:51:20.713Z',
      '2018-10-26T09:51:35.560Z',
      '2018-10-26T09:51:53.345Z',
      '2018-10-26T09:52:07.604Z',
      '2018-10-26T09:52:20.656Z',
      '2018-10-26T09:52:32.985Z',
    ]);
  });
});

describe('EventList batches', () => {
  const singles = [
    'event-no-kind-request-exec-pod.json',
    'event-no-kind-requestresponse-create-clusterrolebinding.json',
    'event-v1-metadata-create-secret-kube-system.json',
    'event-v1beta1-requestresponse-create-privileged-pod.json',
  ].map((f) => fixtureJson(f));
  const lines = [
    ...fixture('events-ndjson-37-v1-audit2rbac-demo.jsonl').trim().split('\n'),
    ...fixture('events-ndjson-6-create-configmap-sensitive-values.jsonl').trim().split('\n'),
  ].map((l) => JSON.parse(l) as Record<string, unknown>);
  const pool = [...singles, ...lines];

  function eventList(n: number) {
    const items = Array.from({ length: n }, (_, i) => ({ ...pool[i % pool.length], auditID: `batch-${i}` }));
    return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items };
  }

  it('handles the webhook backend default batch of 400 in one request', async () => {
    const body = JSON.stringify(eventList(400));
    const r = await runWebhook(audit, { rawBody: body });
    expect(r.status).toBe(200);
    expect(r.invalid).toEqual([]);
    // Per 47-event cycle: 4 singles + 11 denied + 6 ConfigMap writes = 21 findings.
    const cycles = Math.floor(400 / pool.length);
    const rest = pool.slice(0, 400 % pool.length);
    const restFindings = rest.filter((e) => {
      const code = (e.responseStatus as { code?: number } | undefined)?.code;
      return code === 403 || e.verb === 'create';
    }).length;
    expect(r.events).toHaveLength(cycles * 21 + restFindings);
    // Every request is an occurrence; they are 14 findings: 4 singles, 9 refusals, 1 ConfigMap.
    expect(new Set(r.events.map((e) => e.dedupKey)).size).toBe(14);
  });

  it('accepts an EventList of v1beta1 and a list with no kind at all', async () => {
    const r1 = await runWebhook(audit, { body: { kind: 'EventList', apiVersion: 'audit.k8s.io/v1beta1', items: singles } });
    const r2 = await runWebhook(audit, { body: { items: singles } });
    expect(r1.events).toHaveLength(4);
    expect(r2.events).toEqual(r1.events);
  });

  it('an empty EventList is fine', async () => {
    const r = await runWebhook(audit, { body: { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', metadata: {}, items: [] } });
    expect(r.status).toBe(200);
    expect(r.events).toEqual([]);
  });
});
