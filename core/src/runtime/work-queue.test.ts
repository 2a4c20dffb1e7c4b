import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('reconciles a key added many times while queued once, and again if added while running', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const q = new WorkQueue(async (key) => {
      runs.push(key);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
    }, { workers: 1 });
    q.add('a');
    await tick();
    q.add('a'); // while running: once more afterwards
    q.add('a');
    q.add('b');
    q.add('b');
    release();
    await q.drained();
    expect(runs).toEqual(['a', 'b', 'a']);
  });

  it('never reconciles one key twice at once, while other keys go on', async () => {
    let active = 0;
    let most = 0;
    const done: string[] = [];
    const q = new WorkQueue(async (key) => {
      if (key === 'slow') {
        active++;
        most = Math.max(most, active);
        await tick(30);
        active--;
      }
      done.push(key);
    }, { workers: 3 });
    q.add('slow');
    await tick();
    q.add('slow');
    q.add('fast');
    await tick(5);
    expect(done).toEqual(['fast']);
    await q.drained();
    expect(most).toBe(1);
  });

  it('requeues a key whose reconcile threw, with backoff, until it succeeds', async () => {
    let calls = 0;
    const errors: number[] = [];
    const q = new WorkQueue(async () => {
      calls++;
      if (calls < 3) throw new Error('API down');
    }, { workers: 1, baseMs: 5, capMs: 10, onError: (_k, _e, attempt) => errors.push(attempt) });
    q.add('a');
    for (let i = 0; i < 50 && calls < 3; i++) await tick(10);
    expect(calls).toBe(3);
    expect(errors).toEqual([1, 2]);
  });

  it('stops taking keys and waits for the reconcile in flight', async () => {
    let finished = false;
    const q = new WorkQueue(async () => {
      await tick(20);
      finished = true;
    }, { workers: 1 });
    q.add('a');
    await tick();
    await q.stop();
    expect(finished).toBe(true);
    q.add('b');
    expect(q.length).toBe(0);
  });
});
