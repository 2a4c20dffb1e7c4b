import { describe, expect, it } from 'vitest';
import { asList, asNumber, asRecord, asText, compact } from './object-access.js';

describe('object access', () => {
  it.each([
    [{ a: 1 }, { a: 1 }],
    [null, undefined],
    [[1], undefined],
    ['x', undefined],
  ])('asRecord(%j) → %j', (input, expected) => {
    expect(asRecord(input)).toEqual(expected);
  });

  it.each([
    [' web ', 'web'],
    ['   ', undefined],
    [3, undefined],
  ])('asText(%j) → %j', (input, expected) => {
    expect(asText(input)).toBe(expected);
  });

  it.each([
    [9.1, 9.1],
    [Number.NaN, undefined],
    ['9', undefined],
  ])('asNumber(%j) → %j', (input, expected) => {
    expect(asNumber(input)).toBe(expected);
  });

  it.each([
    [null, []],
    [undefined, []],
    [[1, 2], [1, 2]],
    [{}, 'invalid'],
  ])('asList(%j) → %j', (input, expected) => {
    expect(asList(input)).toEqual(expected);
  });

  it('compact drops undefined values only', () => {
    expect(compact({ a: 1, b: undefined, c: null, d: '' })).toStrictEqual({ a: 1, c: null, d: '' });
  });
});
