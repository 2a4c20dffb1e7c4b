import { describe, expect, it } from 'vitest';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';

const labels = { app: 'web', tier: 'frontend', version: '3', empty: '' };

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (web, db)', true],
    ['app in (db)', false],
    ['app notin (db,cache)', true],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier=frontend', true],
    ['app=web, tier=backend', false],
    ['version>2', true],
    ['version<3', false],
    ['empty=', true],
    ['', true],
  ])('%s matches: %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it.each(['app in web', 'app in (a', '=x', 'app=a=b', 'bad key!=x y'])('rejects %s', (sel) => {
    expect(() => parseLabelSelector(sel)).toThrow();
  });
});

describe('field selectors', () => {
  const fields = { 'metadata.name': 'a,b', 'metadata.namespace': 'ns', type: 'Warning' };
  it.each([
    ['metadata.name=a\\,b', true],
    ['metadata.namespace==ns', true],
    ['metadata.namespace!=ns', false],
    ['type=Warning,metadata.namespace=ns', true],
    ['type=Normal', false],
  ])('%s matches: %s', (sel, want) => {
    expect(matchesFields(parseFieldSelector(sel), fields)).toBe(want);
  });

  it('rejects a term without operator', () => {
    expect(() => parseFieldSelector('metadata.name')).toThrow(/can't understand/);
  });
});
