import { describe, expect, it } from 'vitest';
import { isUnsafeKey } from './unsafe-keys.js';

describe('isUnsafeKey', () => {
  it.each([
    ['__proto__', true],
    ['constructor', true],
    ['prototype', true],
    ['rule', false],
  ])('%s → %s', (key, expected) => {
    expect(isUnsafeKey(key)).toBe(expected);
  });
});
