import { describe, expect, it } from 'vitest';
import { FindingIndex } from './finding-index.js';

describe('FindingIndex', () => {
  it('says which findings of an update are new and which are gone', () => {
    const index = new FindingIndex();
    expect(index.set('r', '1', ['a', 'b'])).toEqual({ added: ['a', 'b'], removed: [] });
    expect(index.set('r', '2', ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
    expect(index.resourceVersion('r')).toBe('2');
    expect(index.delete('r').sort()).toEqual(['b', 'c']);
    expect(index.size).toBe(0);
    expect(index.findingCount).toBe(0);
  });

  it('keeps a finding while any object still yields it', () => {
    const index = new FindingIndex();
    index.set('r1', '1', ['shared', 'x']);
    expect(index.set('r2', '1', ['shared'])).toEqual({ added: [], removed: [] });
    expect(index.delete('r1')).toEqual(['x']);
    expect(index.yields('shared')).toBe(true);
    expect(index.set('r2', '2', [])).toEqual({ added: [], removed: ['shared'] });
  });

  it('previews a change without recording it', () => {
    const index = new FindingIndex();
    index.set('r1', '1', ['a', 'b']);
    index.set('r2', '1', ['b']);
    expect(index.diff('r1', ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
    expect(index.diff('r3', ['b'])).toEqual({ added: [], removed: [] });
    expect(index.yields('c')).toBe(false);
    expect(index.set('r1', '2', ['b', 'c'])).toEqual({ added: ['c'], removed: ['a'] });
  });

  it('counts a key repeated within one object once', () => {
    const index = new FindingIndex();
    expect(index.set('r', '1', ['a', 'a'])).toEqual({ added: ['a'], removed: [] });
    expect(index.delete('r')).toEqual(['a']);
  });
});
