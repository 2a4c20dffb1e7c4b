import { describe, expect, it } from 'vitest';
import { toObservation } from './normalize.js';

const event = (detectedAt?: string) => ({ severity: 'high' as const, category: 'security' as const, eventType: 'x', title: 't', dedupKey: 'k', detectedAt });
const ctx = { source: 's', defaultNamespace: 'd', scope: [], ttlSecondsAfterCreation: 60, receivedAt: '2026-11-26T06:00:00.000Z' };

describe('toObservation', () => {
  it.each([
    ['Go\'s zero time', '0001-01-01T00:00:00Z'],
    ['an unset epoch', '1970-01-01T00:00:00Z'],
    ['a day ahead of arrival', '2026-11-27T06:00:00.000Z'],
  ])('takes the arrival time for %s, as the sdk time helpers would', (_what, detectedAt) => {
    expect(toObservation(event(detectedAt), 'k', ctx).spec.detectedAt).toBe(ctx.receivedAt);
  });

  it('keeps a believable time of the event itself', () => {
    expect(toObservation(event('2026-11-25T01:02:03.000Z'), 'k', ctx).spec.detectedAt).toBe('2026-11-25T01:02:03.000Z');
    expect(toObservation(event(), 'k', ctx).spec.detectedAt).toBe(ctx.receivedAt);
  });
});
