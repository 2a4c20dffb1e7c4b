import { describe, expect, it } from 'vitest';
import { KeyedExecutor } from './keyed-executor.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('KeyedExecutor', () => {
  it('runs different keys at once, the same key in order', async () => {
    const ex = new KeyedExecutor(4);
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    };
    const a1 = await ex.submit('a', task('a1', 20));
    const a2 = await ex.submit('a', task('a2', 1));
    const b1 = await ex.submit('b', task('b1', 1));
    await Promise.all([a1.done, a2.done, b1.done]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('end b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('admits no more than its limit: a submitter waits for a place', async () => {
    const ex = new KeyedExecutor(2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await ex.submit('a', () => gate);
    await ex.submit('b', () => gate);
    let third = false;
    const admitted = ex.submit('c', async () => undefined).then((r) => ((third = true), r));
    await tick(5);
    expect(third).toBe(false);
    expect(ex.size).toBe(2);
    release();
    await (await admitted).done;
    await ex.drained();
    expect(ex.size).toBe(0);
  });

  it('keeps a key going after one of its tasks failed', async () => {
    const ex = new KeyedExecutor(2);
    const failed = await ex.submit('a', async () => {
      throw new Error('boom');
    });
    await expect(failed.done).rejects.toThrow('boom');
    let ran = false;
    await (await ex.submit('a', async () => void (ran = true))).done;
    expect(ran).toBe(true);
  });

  it('a lane takes no more than its share: the other tasks still find a place', async () => {
    const ex = new KeyedExecutor(4);
    const lane = ex.lane(2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await ex.submit('l1', () => gate, lane);
    await ex.submit('l2', () => gate, lane);
    let thirdInLane = false;
    const waiting = ex.submit('l3', async () => undefined, lane).then((r) => ((thirdInLane = true), r));
    let other = false;
    await (await ex.submit('o', async () => void (other = true))).done;
    expect(other).toBe(true);
    expect(thirdInLane).toBe(false);
    release();
    await (await waiting).done;
    await ex.drained();
    expect(ex.size).toBe(0);
  });
});
