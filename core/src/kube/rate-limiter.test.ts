import { describe, expect, it, vi } from 'vitest';
import { TokenBucket } from './rate-limiter.js';

describe('TokenBucket (KUBE_QPS / KUBE_BURST)', () => {
  it('lets a burst through at once, then paces at qps, in order', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const bucket = new TokenBucket(10, 3, () => now);
      const done: number[] = [];
      const all = Array.from({ length: 6 }, (_, i) => bucket.acquire().then(() => done.push(i)));
      await Promise.resolve();
      await Promise.resolve();
      expect(done).toEqual([0, 1, 2]); // the burst
      for (let step = 0; step < 3; step++) {
        now += 100; // one token every 100 ms at 10 qps
        await vi.advanceTimersByTimeAsync(100);
      }
      await Promise.all(all);
      expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not let a queue be overtaken by a new arrival', async () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const bucket = new TokenBucket(10, 1, () => now);
      const order: string[] = [];
      await bucket.acquire();
      const waiting = bucket.acquire().then(() => order.push('first waiter'));
      now += 100; // a token is due, but the waiter queued first
      const late = bucket.acquire().then(() => order.push('late arrival'));
      await vi.advanceTimersByTimeAsync(250);
      now += 200;
      await vi.advanceTimersByTimeAsync(250);
      await Promise.all([waiting, late]);
      expect(order).toEqual(['first waiter', 'late arrival']);
    } finally {
      vi.useRealTimers();
    }
  });
});
