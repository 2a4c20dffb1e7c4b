import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ApiAvailability } from './api-availability.js';

const log = pino({ level: 'silent' });

describe('ApiAvailability', () => {
  it('opens after consecutive failures, probes, and wakes every waiter the moment the server is back', async () => {
    let serverUp = false;
    const changes: boolean[] = [];
    const a = new ApiAvailability({ log, probeIntervalMs: 10, onChange: (up) => changes.push(up), probe: async () => {
      if (!serverUp) throw new Error('ECONNREFUSED');
    } });
    a.failed(new Error('x'));
    a.failed(new Error('x'));
    expect(a.up).toBe(true); // two blips are not an outage
    a.failed(new Error('x'));
    expect(a.up).toBe(false);
    expect(a.problem()).toMatch(/unreachable/);
    let woken = false;
    const waiting = a.whenUp().then(() => (woken = true));
    const started = Date.now();
    const pausing = a.pause(60_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(woken).toBe(false);
    serverUp = true;
    await Promise.all([waiting, pausing]);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(a.up).toBe(true);
    expect(changes).toEqual([false, true]);
    a.stop();
  });

  it('resets the failure count on any answer', () => {
    const a = new ApiAvailability({ log, probe: async () => undefined });
    a.failed(new Error('x'));
    a.failed(new Error('x'));
    a.succeeded();
    a.failed(new Error('x'));
    a.failed(new Error('x'));
    expect(a.up).toBe(true);
  });
});
