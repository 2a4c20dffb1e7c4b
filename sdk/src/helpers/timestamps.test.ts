import { describe, expect, it } from 'vitest';
import { EARLIEST_BELIEVABLE_TIME, MAX_FUTURE_SKEW_MS, eventTime, firstEventTime, isBelievableTime, normalizeTime } from './timestamps.js';

describe('normalizeTime', () => {
  it.each([
    ['2023-05-25T13:44:05.478445995Z', '2023-05-25T13:44:05.478Z'],
    ['2018-03-07T06:33:21.873077559-05:00', '2018-03-07T11:33:21.873Z'],
    ['2001-01-01T01:10:00Z', '2001-01-01T01:10:00.000Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'],
    ['2020-05-21 02:58:07.829 +0000 UTC', '2020-05-21T02:58:07.829Z'],
    ['2020-05-21 04:58:07 +0200', '2020-05-21T02:58:07.000Z'],
    [1470327477881781397, '2016-08-04T16:17:57.881Z'],
    [1683727757699, '2023-05-10T14:09:17.699Z'],
    [1683727757, '2023-05-10T14:09:17.000Z'],
    ['1683727757699479000', '2023-05-10T14:09:17.699Z'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeTime(input)).toBe(expected);
  });

  it.each([
    ['0001-01-01T00:00:00Z'],
    ['1970-01-01T00:00:00Z'],
    ['1999-12-31T23:59:59Z'],
    [37],
    ['9999-12-31T23:59:59Z'],
    ['2023-02-30T00:00:00Z'],
    ['2023-13-01T00:00:00Z'],
    ['2023-05-25T24:00:00Z'],
    ['2023-05-25T13:44:05'],
    ['2023-05-25T13:44:05+25:00'],
    ['yesterday'],
    [-1],
    [Number.NaN],
    [null],
    [{}],
  ])('%s → undefined', (input) => {
    expect(normalizeTime(input)).toBeUndefined();
  });
});

describe('eventTime', () => {
  it.each([
    ['2022-12-08T15:50:37Z', '2022-12-08T15:50:37.000Z'],
    ['2022-12-08T16:50:37.5+01:00', '2022-12-08T15:50:37.500Z'],
    ['2022-12-08 15:50:37Z', undefined],
    ['yesterday', undefined],
    [1670514637, undefined],
    ['2999-01-01T00:00:00Z', undefined],
    ['1970-01-01T00:00:00Z', undefined],
    ['0001-01-01T00:00:00Z', undefined],
  ])('%s → %s', (input, expected) => {
    expect(eventTime(input)).toBe(expected);
  });

  it('firstEventTime takes the first usable candidate', () => {
    expect(firstEventTime(undefined, 'bad', '2022-12-08T15:50:37Z')).toBe('2022-12-08T15:50:37.000Z');
    expect(firstEventTime(null, '')).toBeUndefined();
  });
});

describe('the earliest believable time', () => {
  it('is one bound shared by both readers: 2000-01-01, and an hour into the future', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(EARLIEST_BELIEVABLE_TIME).toBe('2000-01-01T00:00:00.000Z');
    expect(isBelievableTime(Date.parse(EARLIEST_BELIEVABLE_TIME), now)).toBe(true);
    expect(isBelievableTime(Date.parse(EARLIEST_BELIEVABLE_TIME) - 1, now)).toBe(false);
    expect(isBelievableTime(now + MAX_FUTURE_SKEW_MS, now)).toBe(true);
    expect(isBelievableTime(now + MAX_FUTURE_SKEW_MS + 1, now)).toBe(false);
    expect(isBelievableTime(Number.NaN, now)).toBe(false);
    // The strict and the lenient reader agree at the bound.
    expect(eventTime('1999-12-31T23:59:59Z')).toBe(normalizeTime('1999-12-31T23:59:59Z'));
    expect(eventTime('2000-01-01T00:00:00Z')).toBe(normalizeTime('2000-01-01T00:00:00Z'));
  });
});
