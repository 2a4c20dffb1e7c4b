import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import { rawRequest } from './raw-client.ts';
import type { TestTarget } from './target.ts';
import { createCrd, deleteCrd, randomSuffix, testTarget } from './target.ts';
import { waitFor } from './wait-for.ts';

// A group of its own per run, so the suite can run against a cluster that has zen-watcher installed.
const group = `zen${randomSuffix()}.test.kube-zen.io`;
const plural = 'observations';
const version = 'v1alpha1';
const crdName = `${plural}.${group}`;

const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: crdName },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural, singular: 'observation', kind: 'Observation', listKind: 'ObservationList' },
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Severity', type: 'string', jsonPath: '.spec.severity' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['source', 'severity'],
                properties: {
                  source: { type: 'string' },
                  severity: { type: 'string', enum: ['critical', 'high'] },
                  eventType: { type: 'string', pattern: '^[a-z0-9_]+$' },
                  title: { type: 'string', maxLength: 10 },
                  ttlSecondsAfterCreation: { type: 'integer', minimum: 0 },
                  details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  mode: { type: 'string', default: 'auto' },
                },
              },
              status: {
                type: 'object',
                properties: { count: { type: 'integer' }, lastSeenAt: { type: 'string', format: 'date-time' } },
              },
            },
          },
        },
      },
    ],
  },
};

let target: TestTarget;
let custom: k8s.CustomObjectsApi;
let ns: string;
const merge = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

beforeAll(async () => {
  target = await testTarget();
  custom = target.kc.makeApiClient(k8s.CustomObjectsApi);
  ns = target.namespace;
  await createCrd(target.kc, crd);
});
afterAll(async () => {
  if (target) await deleteCrd(target.kc, crdName);
  await target?.cleanup();
});

function obs(name: string, spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: `${group}/${version}`, kind: 'Observation', metadata: { name }, spec, ...extra };
}

const params = () => ({ group, version, namespace: ns, plural });

describe('CustomResourceDefinition', () => {
  it('is Established with accepted names and served in discovery', async () => {
    const ext = target.kc.makeApiClient(k8s.ApiextensionsV1Api);
    const got = await ext.readCustomResourceDefinition({ name: crdName });
    const types = got.status?.conditions?.filter((c) => c.status === 'True').map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(['NamesAccepted', 'Established']));
    expect(got.status?.acceptedNames?.kind).toBe('Observation');
    expect(got.metadata?.generation).toBe(1);
    const groups = (await rawRequest(target.kc, 'GET', '/apis')).json();
    expect(groups.groups.map((g: { name: string }) => g.name)).toContain(group);
    const res = (await rawRequest(target.kc, 'GET', `/apis/${group}/${version}`)).json();
    const names = res.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(expect.arrayContaining([plural, `${plural}/status`]));
    expect(res.resources.find((r: { name: string }) => r.name === plural)).toMatchObject({ kind: 'Observation', namespaced: true, singularName: 'observation' });
  });

  it('creates a custom resource with generation 1, defaults and pruned unknown fields', async () => {
    const o = (await custom.createNamespacedCustomObject({
      ...params(),
      body: obs('first', { source: 'falco', severity: 'high', bogus: 'dropped', details: { kept: { deep: true } } }, { status: { count: 5 }, extraTop: 1 }),
    })) as Record<string, any>;
    expect(o.metadata.generation).toBe(1);
    expect(o.spec).toEqual({ source: 'falco', severity: 'high', details: { kept: { deep: true } }, mode: 'auto' });
    expect(o.status).toBeUndefined();
    expect(o.extraTop).toBeUndefined();
    expect(o.kind).toBe('Observation');
  });

  it('reports unknown fields as warnings, or refuses them with fieldValidation=Strict', async () => {
    const warn = await rawRequest(target.kc, 'POST', `/apis/${group}/${version}/namespaces/${ns}/${plural}`, obs('warned', { source: 's', severity: 'high', nope: 1 }));
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toContain('unknown field \\"spec.nope\\"');
    const strict = await rawRequest(target.kc, 'POST', `/apis/${group}/${version}/namespaces/${ns}/${plural}?fieldValidation=Strict`, obs('strict', { source: 's', severity: 'high', nope: 1 }));
    expect(strict.status).toBe(400);
    expect(strict.json().message).toBe('Observation in version "v1alpha1" cannot be handled as a Observation: strict decoding error: unknown field "spec.nope"');
  });

  it('refuses invalid objects with 422 and the real cause list', async () => {
    const f = await apiFailure(custom.createNamespacedCustomObject({ ...params(), body: obs('bad', { source: 'x', severity: 'huge' }) }));
    expect(f.code).toBe(422);
    expect(f.status).toMatchObject({
      reason: 'Invalid',
      message: `Observation.${group} "bad" is invalid: spec.severity: Unsupported value: "huge": supported values: "critical", "high"`,
      details: {
        name: 'bad',
        group,
        kind: 'Observation',
        causes: [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "huge": supported values: "critical", "high"', field: 'spec.severity' }],
      },
    });
    const g = await apiFailure(custom.createNamespacedCustomObject({ ...params(), body: obs('bad2', { severity: 'high', eventType: 'Bad-Type', ttlSecondsAfterCreation: 'x' }) }));
    expect(g.status.details.causes.map((c: { reason: string; field: string }) => `${c.reason} ${c.field}`).sort()).toEqual([
      'FieldValueInvalid spec.eventType',
      'FieldValueRequired spec.source',
      'FieldValueTypeInvalid spec.ttlSecondsAfterCreation',
    ]);
  });

  it('refuses a body without kind (400) and strategic merge patches (415)', async () => {
    const f = await apiFailure(custom.createNamespacedCustomObject({ ...params(), body: { apiVersion: `${group}/${version}`, metadata: { name: 'nokind' }, spec: {} } }));
    expect(f.code).toBe(400);
    const p = await apiFailure(
      custom.patchNamespacedCustomObject({ ...params(), name: 'first', body: { spec: { title: 'x' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)),
    );
    expect(p.code).toBe(415);
    expect(p.status.reason).toBe('UnsupportedMediaType');
  });

  it('bumps generation on spec changes only, and ignores status on the main resource', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...params(), body: obs('gen', { source: 's', severity: 'high' }) })) as Record<string, any>;
    const labelled = (await custom.patchNamespacedCustomObject({ ...params(), name: 'gen', body: { metadata: { labels: { a: 'b' } } } }, merge)) as Record<string, any>;
    expect(labelled.metadata.generation).toBe(1);
    const withStatus = (await custom.patchNamespacedCustomObject({ ...params(), name: 'gen', body: { status: { count: 3 } } }, merge)) as Record<string, any>;
    expect(withStatus.status).toBeUndefined();
    expect(withStatus.metadata.resourceVersion).toBe(labelled.metadata.resourceVersion);
    const changed = (await custom.replaceNamespacedCustomObject({ ...params(), name: 'gen', body: { ...labelled, spec: { ...labelled.spec, severity: 'critical' } } })) as Record<string, any>;
    expect(changed.metadata.generation).toBe(2);
    expect(created.metadata.uid).toBe(changed.metadata.uid);
  });

  it('writes status through /status only, without touching spec or generation', async () => {
    const cur = (await custom.getNamespacedCustomObject({ ...params(), name: 'gen' })) as Record<string, any>;
    const st = (await custom.replaceNamespacedCustomObjectStatus({
      ...params(),
      name: 'gen',
      body: { ...cur, spec: { source: 'ignored', severity: 'high' }, status: { count: 7, lastSeenAt: '2026-11-26T06:20:54Z' } },
    })) as Record<string, any>;
    expect(st.status).toEqual({ count: 7, lastSeenAt: '2026-11-26T06:20:54Z' });
    expect(st.spec.source).toBe('s');
    expect(st.metadata.generation).toBe(cur.metadata.generation);
    const patched = (await custom.patchNamespacedCustomObjectStatus({ ...params(), name: 'gen', body: { status: { count: 8 } } }, merge)) as Record<string, any>;
    expect(patched.status.count).toBe(8);
    const bad = await apiFailure(custom.patchNamespacedCustomObjectStatus({ ...params(), name: 'gen', body: { status: { count: 'many' } } }, merge));
    expect(bad.code).toBe(422);
    const stale = await apiFailure(custom.replaceNamespacedCustomObjectStatus({ ...params(), name: 'gen', body: { ...cur, status: { count: 1 } } }));
    expect(stale.code).toBe(409);
  });

  it('requires a resourceVersion on PUT', async () => {
    const f = await apiFailure(custom.replaceNamespacedCustomObject({ ...params(), name: 'gen', body: obs('gen', { source: 's', severity: 'high' }) }));
    expect(f.code).toBe(422);
    expect(f.status.message).toBe(`Observation.${group} "gen" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`);
  });

  it('answers a delete with a Success Status naming the custom resource', async () => {
    const del = (await custom.deleteNamespacedCustomObject({ ...params(), name: 'first' })) as Record<string, any>;
    expect(del).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Success', details: { name: 'first', group, kind: 'observations' } });
    expect(del.details.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists with items carrying apiVersion and kind', async () => {
    const list = (await custom.listNamespacedCustomObject({ ...params() })) as Record<string, any>;
    expect(list.kind).toBe('ObservationList');
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items[0]).toMatchObject({ apiVersion: `${group}/${version}`, kind: 'Observation' });
  });

  it('deleting the CRD removes its instances and stops serving it', async () => {
    const g2 = `zen${randomSuffix()}.test.kube-zen.io`;
    const name = `widgets.${g2}`;
    await createCrd(target.kc, {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
      spec: {
        group: g2,
        scope: 'Cluster',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    await custom.createClusterCustomObject({ group: g2, version: 'v1', plural: 'widgets', body: { apiVersion: `${g2}/v1`, kind: 'Widget', metadata: { name: 'w' }, anything: 1 } });
    await deleteCrd(target.kc, name);
    await waitFor(async () => (await rawRequest(target.kc, 'GET', `/apis/${g2}/v1/widgets`)).status === 404);
  });
});
