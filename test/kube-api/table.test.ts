import { describe, expect, it } from 'vitest';
import { humanDuration } from './table.ts';

describe('humanDuration (kubectl AGE column)', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 60_000, '3h1m'],
    [10 * 3600_000, '10h'],
    [50 * 3600_000, '2d2h'],
    [30 * 86400_000, '30d'],
    [3 * 365 * 86400_000 + 86400_000, '3y1d'],
  ])('%d ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});
