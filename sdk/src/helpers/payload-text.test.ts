import { describe, expect, it } from 'vitest';
import { clipPayload, payloadLine, wellFormed } from './payload-text.js';

describe('payload text', () => {
  it('wellFormed replaces lone surrogates only', () => {
    expect(wellFormed('a\uD800b\uDC00')).toBe('a\uFFFDb\uFFFD');
    expect(wellFormed('😀')).toBe('😀');
  });

  it('clipPayload never splits a surrogate pair', () => {
    expect(clipPayload('abcdef', 4)).toBe('abc…');
    expect(clipPayload('ab😀cd', 4)).toBe('ab…');
  });

  it('payloadLine turns control characters into one space', () => {
    expect(payloadLine(' a\n\tb\u001b ', 80)).toBe('a b');
    expect(payloadLine('x'.repeat(100), 10)).toHaveLength(10);
  });
});
