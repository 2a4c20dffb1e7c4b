import { describe, expect, it } from 'vitest';
import { runWebhook } from '@zen-watcher/sdk/testing';
import audit from '../src/index.js';

type Ev = Record<string, unknown>;
let n = 0;

/** A minimal v1 audit event at ResponseComplete; `over` replaces fields. */
function ev(over: Ev): Ev {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${++n}`,
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/shop/pods/web-0',
    verb: 'get',
    user: { username: 'alice', groups: ['system:authenticated'] },
    sourceIPs: ['10.0.0.1'],
    objectRef: { resource: 'pods', namespace: 'shop', name: 'web-0', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-11-26T06:00:00.123456Z',
    stageTimestamp: '2026-11-26T06:00:00.223456Z',
    ...over,
  };
}

const ref = (resource: string, extra: Ev = {}) => ({ objectRef: { resource, namespace: 'shop', name: 'x', apiVersion: 'v1', ...extra } });
const rbac = (resource: string, name = 'r') => ({ objectRef: { resource, name, apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1' } });
const podSpec = (spec: Ev) => ({ level: 'Request', requestObject: { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x' }, spec } });
const anon = { user: { username: 'system:anonymous', groups: ['system:unauthenticated'] } };

async function run(events: Ev | Ev[], config?: unknown) {
  const r = await runWebhook(audit, { body: events, config });
  expect(r.status).toBe(200);
  expect(r.invalid).toEqual([]);
  return r;
}

describe('rules', () => {
  it.each<[string, Ev, string[], string[]]>([
    ['secret get', { verb: 'get', ...ref('secrets') }, ['secret_read'], ['medium']],
    ['secret list', { verb: 'list', ...ref('secrets', { name: undefined }) }, ['secret_read'], ['medium']],
    ['secret watch', { verb: 'watch', ...ref('secrets') }, ['secret_read'], ['medium']],
    ['secret patch', { verb: 'patch', ...ref('secrets') }, ['secret_write'], ['medium']],
    ['configmap update', { verb: 'update', ...ref('configmaps') }, ['configmap_write'], ['low']],
    ['configmap get', { verb: 'get', ...ref('configmaps') }, [], []],
    ['pod delete', { verb: 'delete', ...ref('pods') }, ['resource_deletion'], ['low']],
    ['namespace delete', { verb: 'delete', objectRef: { resource: 'namespaces', name: 'shop', apiVersion: 'v1' } }, ['resource_deletion'], ['medium']],
    ['pods deletecollection', { verb: 'deletecollection', ...ref('pods', { name: undefined }) }, ['resource_deletion'], ['low']],
    ['role create', { verb: 'create', ...rbac('roles') }, ['rbac_change'], ['medium']],
    ['clusterrole cluster-admin patch', { verb: 'patch', ...rbac('clusterroles', 'cluster-admin') }, ['rbac_change'], ['high']],
    ['rolebinding delete (not also a deletion)', { verb: 'delete', ...rbac('rolebindings') }, ['rbac_change'], ['medium']],
    [
      'wildcard clusterrole',
      { verb: 'create', ...rbac('clusterroles'), level: 'Request', requestObject: { rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] } },
      ['rbac_change'],
      ['high'],
    ],
    ['rbac get', { verb: 'get', ...rbac('roles') }, [], []],
    ['exec', { verb: 'create', ...ref('pods', { subresource: 'exec' }), requestURI: '/api/v1/namespaces/shop/pods/x/exec?command=sh&container=c' }, ['pod_exec'], ['medium']],
    ['attach over websocket (get)', { verb: 'get', ...ref('pods', { subresource: 'attach' }), responseStatus: { code: 101 } }, ['pod_exec'], ['medium']],
    ['portforward', { verb: 'create', ...ref('pods', { subresource: 'portforward' }) }, ['pod_exec'], ['medium']],
    ['privileged pod', { verb: 'create', ...ref('pods'), ...podSpec({ containers: [{ name: 'c', securityContext: { privileged: true } }] }) }, ['privileged_pod'], ['high']],
    ['hostPID pod', { verb: 'create', ...ref('pods'), ...podSpec({ hostPID: true, containers: [{ name: 'c' }] }) }, ['privileged_pod'], ['high']],
    ['privileged init container', { verb: 'update', ...ref('pods'), ...podSpec({ initContainers: [{ name: 'i', securityContext: { privileged: true } }] }) }, ['privileged_pod'], ['high']],
    [
      'hostNetwork deployment',
      {
        verb: 'create',
        objectRef: { resource: 'deployments', namespace: 'shop', name: 'd', apiGroup: 'apps', apiVersion: 'v1' },
        level: 'Request',
        requestObject: { kind: 'Deployment', spec: { template: { spec: { hostNetwork: true, containers: [] } } } },
      },
      ['privileged_pod'],
      ['high'],
    ],
    ['unprivileged pod', { verb: 'create', ...ref('pods'), ...podSpec({ containers: [{ name: 'c', securityContext: { privileged: false } }] }) }, [], []],
    ['privileged pod refused', { verb: 'create', ...ref('pods'), ...podSpec({ hostIPC: true }), responseStatus: { code: 403 } }, ['access_denied'], ['low']],
    ['403', { verb: 'list', ...ref('secrets'), responseStatus: { code: 403 } }, ['access_denied'], ['low']],
    ['401', { verb: 'get', user: {}, objectRef: undefined, requestURI: '/api', responseStatus: { code: 401 } }, ['access_denied'], ['low']],
    ['anonymous refused (not also denied)', { ...anon, verb: 'list', ...ref('secrets'), responseStatus: { code: 403 } }, ['anonymous_request'], ['low']],
    ['anonymous allowed on a resource', { ...anon, verb: 'list', ...ref('pods') }, ['anonymous_request'], ['high']],
    ['anonymous allowed /api', { ...anon, verb: 'get', objectRef: undefined, requestURI: '/api' }, ['anonymous_request'], ['medium']],
    ['anonymous /healthz probe', { ...anon, verb: 'get', objectRef: undefined, requestURI: '/healthz' }, [], []],
    ['anonymous /readyz?verbose probe', { ...anon, verb: 'get', objectRef: undefined, requestURI: '/readyz?verbose' }, [], []],
    ['pod get', {}, [], []],
    ['secret read by a kubelet', { verb: 'get', ...ref('secrets'), user: { username: 'system:node:worker-1' } }, [], []],
    ['pod delete by a kube-system controller', { verb: 'delete', ...ref('pods'), user: { username: 'system:serviceaccount:kube-system:replicaset-controller' } }, [], []],
    ['secret read by an admin impersonating a kubelet', { verb: 'get', ...ref('secrets'), user: { username: 'admin' }, impersonatedUser: { username: 'system:node:worker-1' } }, ['secret_read'], ['medium']],
  ])('%s', async (_name, over, eventTypes, severities) => {
    const r = await run(ev(over));
    expect(r.events.map((e) => e.eventType)).toEqual(eventTypes);
    expect(r.events.map((e) => e.severity)).toEqual(severities);
  });

  it('titles say what happened to what, and by whom', async () => {
    const r = await run([
      ev({ verb: 'get', ...ref('secrets') }),
      ev({ verb: 'list', objectRef: { resource: 'secrets', apiVersion: 'v1' } }),
      ev({ verb: 'delete', ...ref('pods') }),
      ev({ ...anon, verb: 'list', ...ref('pods') }),
    ]);
    expect(r.events.map((e) => e.title)).toEqual([
      'Secret shop/x read by alice',
      'Secrets in all namespaces listed by alice',
      'Pod shop/x deleted by alice',
      'Anonymous list pods shop/x (200)',
    ]);
    expect(r.events[0].detectedAt).toBe('2026-11-26T06:00:00.123Z');
  });

  it('one request matching two rules gives two findings with distinct keys', async () => {
    const r = await run(ev({ ...anon, verb: 'delete', ...ref('pods') }));
    expect(r.events.map((e) => e.eventType)).toEqual(['resource_deletion', 'anonymous_request']);
    expect(r.events[0].dedupKey).not.toBe(r.events[1].dedupKey);
  });

  it('the same request delivered twice is one occurrence (a re-sent batch)', async () => {
    const e = ev({ verb: 'get', ...ref('secrets') });
    const r = await run([e, { ...e }]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0].dedupKey).toBe('audit|secretRead|alice||get|secrets||shop|x|allowed');
    expect(r.metrics['dropped_total{reason="repeat_delivery"}']).toBe(1);
  });

  it.each([
    ['another rule', { verb: 'delete', ...ref('pods') }, { verb: 'delete', ...ref('pods'), user: { username: 'system:anonymous' } }],
    ['another user', { verb: 'get', ...ref('secrets') }, { verb: 'get', ...ref('secrets'), user: { username: 'bob' } }],
    ['an impersonated user', { verb: 'get', ...ref('secrets') }, { verb: 'get', ...ref('secrets'), impersonatedUser: { username: 'bob' } }],
    ['another verb', { verb: 'get', ...ref('secrets') }, { verb: 'list', ...ref('secrets') }],
    ['another object', { verb: 'get', ...ref('secrets') }, { verb: 'get', objectRef: { resource: 'secrets', namespace: 'shop', name: 'y', apiVersion: 'v1' } }],
    ['another namespace', { verb: 'get', ...ref('secrets') }, { verb: 'get', objectRef: { resource: 'secrets', namespace: 'other', name: 'x', apiVersion: 'v1' } }],
    ['another outcome', { verb: 'get', ...ref('secrets'), responseStatus: { code: 403 } }, { verb: 'get', ...ref('secrets'), responseStatus: { code: 401 } }],
  ])('keeps two findings apart that differ in %s', async (_what, a, b) => {
    const r = await run([ev(a), ev(b)]);
    const keys = new Set(r.events.map((e) => e.dedupKey));
    expect(keys.size).toBe(r.events.length);
    expect(r.events.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps one finding for repeats that differ only in auditID, time, source IP and user agent', async () => {
    const a = ev({ verb: 'update', objectRef: { resource: 'rolebindings', apiGroup: 'rbac.authorization.k8s.io', apiVersion: 'v1', namespace: 'shop', name: 'web' } });
    const b = { ...a, auditID: 'other', requestReceivedTimestamp: '2026-11-26T06:00:30.000Z', sourceIPs: ['10.0.0.9'], userAgent: 'kubectl/v1.31' };
    const r = await run([a, b]);
    expect(r.events.map((e) => e.dedupKey)).toEqual([
      'audit|rbacChange|alice||update|rolebindings|rbac.authorization.k8s.io|shop|web|allowed',
      'audit|rbacChange|alice||update|rolebindings|rbac.authorization.k8s.io|shop|web|allowed',
    ]);
  });

  it('only evaluates ResponseComplete and Panic (and ResponseStarted of exec)', async () => {
    const r = await run([
      ev({ verb: 'get', ...ref('secrets'), stage: 'RequestReceived' }),
      ev({ verb: 'watch', ...ref('secrets'), stage: 'ResponseStarted' }),
      ev({ verb: 'get', ...ref('secrets'), stage: 'Panic', responseStatus: { code: 500 } }),
    ]);
    expect(r.events).toHaveLength(0);
    expect(r.metrics['dropped_total{reason="stage"}']).toBe(2);
    const panic = await run(ev({ verb: 'delete', ...ref('pods'), stage: 'Panic', responseStatus: undefined }));
    expect(panic.events.map((e) => e.eventType)).toEqual(['resource_deletion']);
  });

  it('counts ignored users and unmatched events', async () => {
    const r = await run([ev({ verb: 'get', ...ref('secrets'), user: { username: 'system:kube-scheduler' } }), ev({})]);
    expect(r.metrics['dropped_total{reason="ignored_user"}']).toBe(1);
    expect(r.metrics['dropped_total{reason="no_matching_rule"}']).toBe(1);
  });
});

describe('config', () => {
  it('a rule can be turned off or given another severity', async () => {
    const events = [ev({ verb: 'get', ...ref('secrets') }), ev({ verb: 'update', ...ref('configmaps') })];
    const r = await run(events, { rules: { secretRead: { severity: 'critical' }, configMapWrite: { enabled: false } } });
    expect(r.events.map((e) => [e.eventType, e.severity])).toEqual([['secret_read', 'critical']]);
  });

  it('ignoreUsers replaces the default list and takes wildcards', async () => {
    const events = [ev({ verb: 'get', ...ref('secrets'), user: { username: 'system:node:w1' } }), ev({ verb: 'get', ...ref('secrets'), user: { username: 'ci-bot-7' } })];
    const r = await run(events, { rules: { secretRead: { ignoreUsers: ['ci-bot-*'] } } });
    expect(r.events.map((e) => (e.details as { user: { username: string } }).user.username)).toEqual(['system:node:w1']);
  });

  it('refuses unknown rules and fields', async () => {
    await expect(runWebhook(audit, { body: ev({}), config: { rules: { secretReads: {} } } })).rejects.toThrow(/secretReads/);
    await expect(runWebhook(audit, { body: ev({}), config: { rules: { secretRead: { severity: 'urgent' } } } })).rejects.toThrow(/severity/);
    await expect(runWebhook(audit, { body: ev({}), config: { stages: [] } })).rejects.toThrow(/stages/);
  });
});
