import { describe, expect, it } from 'vitest';
import { WriteSlots } from './write-slots.js';

describe('WriteSlots', () => {
  it('hands a freed slot to a waiting live write before any background one', async () => {
    const slots = new WriteSlots(1);
    const order: string[] = [];
    const first = (await slots.acquire('background'))!;
    const bg = slots.acquire('background').then((release) => (order.push('background'), release));
    const live = slots.acquire('live').then((release) => (order.push('live'), release));
    expect(slots.queued).toEqual({ live: 1, background: 1 });
    first();
    (await live)!();
    (await bg)!();
    expect(order).toEqual(['live', 'background']);
    expect(slots.queued).toEqual({ live: 0, background: 0 });
  });

  it('serves background tenants in turn, not one tenant\'s whole backlog first', async () => {
    const slots = new WriteSlots(1);
    const order: string[] = [];
    const first = (await slots.acquire('background', 'a'))!;
    const waits = [['a', 1], ['a', 2], ['a', 3], ['b', 1], ['b', 2]].map(([tenant, n]) =>
      slots.acquire('background', String(tenant)).then((release) => {
        order.push(`${tenant}${n}`);
        release!();
      }),
    );
    first();
    await Promise.all(waits);
    expect(order).toEqual(['a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('gives up waiting at a live write\'s deadline, and the slot goes to the next in line', async () => {
    const slots = new WriteSlots(1);
    const held = (await slots.acquire('live'))!;
    const late = slots.acquire('live', '', performance.now() + 10);
    const patient = slots.acquire('live');
    expect(await late).toBeUndefined();
    held();
    expect(await patient).toBeTypeOf('function');
  });

  it('never runs more than its size at once, and a double release frees one slot', async () => {
    const slots = new WriteSlots(2);
    const a = (await slots.acquire('live'))!;
    await slots.acquire('live');
    let third = false;
    const c = slots.acquire('live').then((r) => ((third = true), r));
    await Promise.resolve();
    expect(third).toBe(false);
    a();
    a();
    (await c)!();
    expect(third).toBe(true);
    expect(slots.queued.live).toBe(0);
  });
});
