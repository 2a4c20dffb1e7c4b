import { describe, expect, it } from 'vitest';
import { Checkpoint } from './watch-checkpoint.js';

describe('Checkpoint', () => {
  it('moves only past steps that are finished, and every one before them', () => {
    const c = new Checkpoint();
    c.reset('10');
    const a = c.begin('11');
    const b = c.begin('12');
    const d = c.begin('13');
    b();
    expect(c.value).toBe('10'); // 11 is still being handled
    a();
    expect(c.value).toBe('12');
    d();
    expect(c.value).toBe('13');
  });
});
