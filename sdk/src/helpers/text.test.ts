import { describe, expect, it } from 'vitest';
import { clip, dedupKey, detail, fnv1a, oneLine, TEXT, title } from './text.js';

describe('text', () => {
  it('oneLine collapses whitespace and trims', () => {
    expect(oneLine(' a\n  b\tc ')).toBe('a b c');
    expect(oneLine(' plain ')).toBe('plain');
  });

  it('clip marks a cut with an ellipsis', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });

  it('title and detail are bounded', () => {
    expect(title('x'.repeat(1000))).toHaveLength(TEXT.title);
    expect(detail('y'.repeat(1000))).toHaveLength(TEXT.detail);
    expect(detail(undefined)).toBeUndefined();
  });

  it('fnv1a is 8 hex digits and tells values apart', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).not.toBe(fnv1a('b'));
  });

  it('dedupKey joins short parts and hashes long ones', () => {
    expect(dedupKey(['vuln', 'shop/Deployment/web'])).toBe('vuln|shop/Deployment/web');
    const long = dedupKey(['a'.repeat(500)]);
    expect(long).toMatch(/^a{190}#[0-9a-f]{8}$/);
    expect(long).not.toBe(dedupKey([`${'a'.repeat(499)}b`]));
  });
});
