import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Manager, type Runnable } from './manager.js';

function runnable(name: string, runs: Runnable['runs'], log: string[], fail = false): Runnable & { signal?: AbortSignal } {
  const r: Runnable & { signal?: AbortSignal } = {
    name,
    runs,
    async start(signal) {
      if (fail) throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
      r.signal = signal;
      log.push(`start ${name}`);
    },
    async stop() {
      log.push(`stop ${name}`);
    },
  };
  return r;
}

describe('Manager', () => {
  it('starts every-pod runnables in order, leader ones only while leading, and stops in reverse', async () => {
    const log: string[] = [];
    const m = new Manager(pino({ level: 'silent' }));
    const gc = runnable('gc', 'leader', log);
    m.add(runnable('secrets', 'always', log), runnable('ingesters', 'always', log), runnable('informers', 'leader', log), gc);
    await m.start();
    const leading = new AbortController();
    await m.startLeading(leading.signal);
    leading.abort();
    expect(gc.signal?.aborted).toBe(true);
    await m.stopLeading();
    await m.startLeading(new AbortController().signal);
    await m.stop();
    expect(log).toEqual([
      'start secrets', 'start ingesters', 'start informers', 'start gc', 'stop gc', 'stop informers',
      'start informers', 'start gc', 'stop gc', 'stop informers', 'stop ingesters', 'stop secrets',
    ]);
  });

  it('rolls back a failed start: what started is stopped, and the cause reaches the caller', async () => {
    const log: string[] = [];
    const m = new Manager(pino({ level: 'silent' }));
    m.add(runnable('secrets', 'always', log), runnable('elector', 'always', log), runnable('listener', 'always', log, true));
    const err = await m.start().catch((e: unknown) => e as Error & { code?: string });
    expect(err?.message).toMatch(/listener failed to start: listen EADDRINUSE/);
    expect(err?.code).toBe('EADDRINUSE');
    expect(log).toEqual(['start secrets', 'start elector', 'stop elector', 'stop secrets']);
    expect(m.waitingFor()).toEqual([]);
  });
});
