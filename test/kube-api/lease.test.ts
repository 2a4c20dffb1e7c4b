import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import type { TestTarget } from './target.ts';
import { testTarget } from './target.ts';

let target: TestTarget;
let leases: k8s.CoordinationV1Api;
let ns: string;

beforeAll(async () => {
  target = await testTarget();
  leases = target.kc.makeApiClient(k8s.CoordinationV1Api);
  ns = target.namespace;
});
afterAll(() => target?.cleanup());

describe('Lease', () => {
  it('stores MicroTime values with six fractional digits', async () => {
    const lease = await leases.createNamespacedLease({
      namespace: ns,
      body: {
        metadata: { name: 'micro' },
        spec: {
          holderIdentity: 'pod-a',
          leaseDurationSeconds: 15,
          acquireTime: new k8s.V1MicroTime('2026-11-26T06:20:54.123Z'),
          renewTime: '2026-11-26T08:20:54.123456+02:00' as unknown as k8s.V1MicroTime,
          leaseTransitions: 0,
        },
      },
    });
    expect(String(lease.spec?.acquireTime)).toBe('2026-11-26T06:20:54.123000Z');
    // MicroTime is re-rendered in UTC, as metav1.MicroTime.MarshalJSON does.
    expect(String(lease.spec?.renewTime)).toBe('2026-11-26T06:20:54.123456Z');
  });

  it.each([
    ['milliseconds', '2026-11-26T06:20:54.123Z'],
    ['no fraction', '2026-11-26T06:20:54Z'],
    ['nanoseconds', '2026-11-26T06:20:54.123456789Z'],
  ])('refuses a MicroTime with %s (400 BadRequest)', async (_what, value) => {
    const f = await apiFailure(
      leases.createNamespacedLease({ namespace: ns, body: { metadata: { generateName: 'bad-' }, spec: { renewTime: value as unknown as k8s.V1MicroTime } } }),
    );
    expect(f.code).toBe(400);
    expect(f.status.reason).toBe('BadRequest');
    expect(f.status.message).toContain('2006-01-02T15:04:05.000000Z07:00');
  });

  it('refuses a plain Date, which client-node serializes with milliseconds', async () => {
    const f = await apiFailure(leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'date' }, spec: { acquireTime: new Date() as k8s.V1MicroTime } } }));
    expect(f.code).toBe(400);
  });

  it('lets exactly one of two racing updates win; the loser gets 409 Conflict', async () => {
    await leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'race' }, spec: { holderIdentity: 'none', leaseDurationSeconds: 15 } } });
    const a = await leases.readNamespacedLease({ name: 'race', namespace: ns });
    const b = await leases.readNamespacedLease({ name: 'race', namespace: ns });
    const now = new k8s.V1MicroTime();
    await leases.replaceNamespacedLease({ name: 'race', namespace: ns, body: { ...a, spec: { ...a.spec, holderIdentity: 'pod-a', acquireTime: now, renewTime: now } } });
    const f = await apiFailure(leases.replaceNamespacedLease({ name: 'race', namespace: ns, body: { ...b, spec: { ...b.spec, holderIdentity: 'pod-b' } } }));
    expect(f.code).toBe(409);
    expect(f.status).toMatchObject({
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on leases.coordination.k8s.io "race": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'race', group: 'coordination.k8s.io', kind: 'leases' },
    });
    expect((await leases.readNamespacedLease({ name: 'race', namespace: ns })).spec?.holderIdentity).toBe('pod-a');
  });

  it('requires a resourceVersion on update (422), unlike ConfigMaps', async () => {
    await leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'norv' }, spec: { holderIdentity: 'x' } } });
    const f = await apiFailure(leases.replaceNamespacedLease({ name: 'norv', namespace: ns, body: { metadata: { name: 'norv' }, spec: { holderIdentity: 'y' } } }));
    expect(f.code).toBe(422);
    expect(f.status.message).toBe('Lease.coordination.k8s.io "norv" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update');
  });

  it('creates a missing Lease on PUT (the lease registry allows create-on-update)', async () => {
    const lease = await leases.replaceNamespacedLease({ name: 'put-created', namespace: ns, body: { metadata: { name: 'put-created' }, spec: { holderIdentity: 'pod-a' } } });
    expect(lease.metadata?.uid).toBeTruthy();
    expect(lease.spec?.holderIdentity).toBe('pod-a');
  });

  it('validates leaseDurationSeconds', async () => {
    const f = await apiFailure(leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'zero' }, spec: { leaseDurationSeconds: 0 } } }));
    expect(f.code).toBe(422);
    expect(f.status.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be greater than 0', field: 'spec.leaseDurationSeconds' }]);
  });

  it('releases by update and is taken over by another holder', async () => {
    const lease = await leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'handover' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, leaseTransitions: 0 } } });
    const released = await leases.replaceNamespacedLease({ name: 'handover', namespace: ns, body: { ...lease, spec: { ...lease.spec, holderIdentity: '' } } });
    const taken = await leases.replaceNamespacedLease({
      name: 'handover',
      namespace: ns,
      body: { ...released, spec: { ...released.spec, holderIdentity: 'pod-b', leaseTransitions: 1, acquireTime: new k8s.V1MicroTime() } },
    });
    expect(taken.spec?.holderIdentity).toBe('pod-b');
    expect(taken.spec?.leaseTransitions).toBe(1);
  });
});
