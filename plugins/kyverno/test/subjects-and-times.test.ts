import { describe, expect, it } from 'vitest';
import { runInformer } from '@zen-watcher/sdk/testing';
import type { KubeObject } from '@zen-watcher/sdk';
import kyverno, { identityOf, protoTime, selectorText } from '../src/index.js';
import { copy, loadObject, loadObjects } from './fixture-loader.js';

const add = (object: KubeObject) => ({ type: 'add' as const, object });
type Result = Record<string, unknown>;
// The Falco sample: a namespaced PolicyReport whose result names a Pod in `resources`.
const falcoReport = () => copy(loadObjects('policyreport-clusterpolicyreport-v1alpha2-wg-sample-falco-multidoc.yaml')[0]);
const first = (o: KubeObject) => (o.results as Result[])[0];

describe('where a result says what it is about', () => {
  it('takes `resources` first, over properties naming another pod', async () => {
    const report = falcoReport();
    first(report).properties = { ...(first(report).properties as Result), 'k8s.pod.name': 'elsewhere' };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'a-pod', namespace: 'my-namespace' });
  });

  it("reads a pod from falcosidekick's output fields, in the report's namespace when none is named", async () => {
    const report = falcoReport();
    delete first(report).resources;
    first(report).properties = { 'k8s.pod.name': 'web-0', 'proc.cmdline': 'sh' };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'my-namespace' });
    expect(r.events[0].dedupKey).toBe('falco-agent|Change thread namespace||fail|my-namespace/Pod/web-0|k8s.pod.name=web-0,proc.cmdline=sh');
  });

  it('reads a node from the properties', async () => {
    const report = falcoReport();
    delete first(report).resources;
    first(report).properties = { node_name: 'worker-1' };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'v1', kind: 'Node', name: 'worker-1' });
  });

  it('keys a result on its resourceSelector, with the report as the resource', async () => {
    const report = falcoReport();
    delete first(report).resources;
    first(report).resourceSelector = { matchLabels: { tier: 'db', app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events[0].resource).toEqual({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', name: 'falco-alerts-policy', namespace: 'my-namespace' });
    expect(r.events[0].dedupKey).toContain('|my-namespace/selector:app=web,tier=db,env In (dev,prod)|');
    expect(r.events[0].details?.resourceSelector).toBe('app=web,tier=db,env In (dev,prod)');
    expect(selectorText({})).toBeUndefined();
  });
});

describe('which properties identify a result', () => {
  it('every scalar except times, per-occurrence ids and prose', () => {
    expect(
      identityOf({
        index: '1.1.1',
        container_name: 'app',
        pid: '12',
        container_id: 'abc',
        updated_time: '2021-11-21T12:31:25Z',
        'evt.time': '1',
        creationTimestamp: 'x',
        remediation: 'chmod 644',
        reason: 'failed to run',
        process: 'background scan',
        severity: 'high',
        runtime: 'containerd',
        empty: '',
        nested: { a: 1 },
        count: 3,
      }),
    ).toBe('container_name=app,count=3,index=1.1.1,runtime=containerd');
    expect(identityOf({ process: 'background scan' })).toBeUndefined();
  });
});

describe('protobuf timestamps', () => {
  it.each([
    [{ seconds: 1701868762, nanos: 0 }, '2023-12-06T13:19:22.000Z'],
    [{ seconds: 1701868762, nanos: 500_000_000 }, '2023-12-06T13:19:22.500Z'],
    [{ seconds: 1628548814, nanos: -879109096 }, '2021-08-09T22:40:13.120Z'],
    // KubeArmor's adapter copies the epoch seconds into nanos: ignored, not 51 years later.
    [{ seconds: 1637497885, nanos: 1637497885 }, '2021-11-21T12:31:25.000Z'],
    // Go's unset, and falcosidekick's second-of-the-minute: no time, not 1970.
    [{ seconds: 0, nanos: 0 }, undefined],
    [{ seconds: 37, nanos: 86240437 }, undefined],
    [{ seconds: '1701868762' }, undefined],
    [null, undefined],
  ])('%j → %s', (value, expected) => {
    expect(protoTime(value)).toBe(expected);
  });

  it("falls back to the report's creation time for Go's zero timestamp", async () => {
    const report = copy(loadObject('policyreport-v1alpha2-kyverno-pod-pass-fail.yaml'));
    (report.results as Result[])[1].timestamp = { seconds: 0, nanos: 0 };
    const r = await runInformer(kyverno, { events: [add(report)] });
    expect(r.events[0].detectedAt).toBe(new Date(String(report.metadata?.creationTimestamp)).toISOString());
  });
});
