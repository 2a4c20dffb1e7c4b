import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../source-event.js';
import { CHECK_SEVERITY, SEVERITY_WORDS, severityOfCheck, severityOfScore, severityOfWord } from './severity-scale.js';

describe('the severity scale', () => {
  it.each([
    // Falco priorities (syslog levels)
    ['Emergency', 'critical'],
    ['Alert', 'critical'],
    ['Critical', 'critical'],
    ['Error', 'high'],
    ['Warning', 'medium'],
    ['Notice', 'low'],
    ['Informational', 'info'],
    ['Debug', 'info'],
    // Trivy
    ['CRITICAL', 'critical'],
    ['HIGH', 'high'],
    ['MEDIUM', 'medium'],
    ['LOW', 'low'],
    ['UNKNOWN', 'info'],
    // Alertmanager conventions, incident tools
    ['page', 'critical'],
    ['major', 'high'],
    ['minor', 'low'],
    [' warn ', 'medium'],
    ['P1', 'critical'],
    ['sev-3', 'medium'],
  ])('word %s → %s', (word, severity) => {
    expect(severityOfWord(word)).toBe(severity);
  });

  it.each([['bogus'], ['constructor'], ['__proto__'], [''], [3], [null], ['x'.repeat(100)]])('%s is no severity word', (value) => {
    expect(severityOfWord(value)).toBeUndefined();
  });

  it('lists every word under exactly one severity', () => {
    const all = Object.values(SEVERITY_WORDS).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(SEVERITY_WORDS).sort()).toEqual([...SEVERITIES].sort());
  });

  it.each([
    [10, 'critical'],
    [9.1, 'critical'],
    [8.9, 'high'],
    [7, 'high'],
    [6.9, 'medium'],
    [4, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
    [0, 'info'],
  ])('CVSS score %s → %s', (score, severity) => {
    expect(severityOfScore(score)).toBe(severity);
  });

  it.each([[-1], [10.1], [Number.NaN], ['9.8']])('%s is no score', (value) => {
    expect(severityOfScore(value)).toBeUndefined();
  });

  it('rates checks without a severity of their own: scored failures high, unscored medium, warnings low', () => {
    expect(severityOfCheck('fail', true)).toBe('high');
    expect(severityOfCheck('fail', false)).toBe('medium');
    expect(severityOfCheck('fail')).toBe('medium');
    expect(severityOfCheck('error', true)).toBe('medium');
    expect(severityOfCheck('warn', true)).toBe('low');
    expect(severityOfCheck('pass', true)).toBe('info');
    expect(severityOfCheck('skip')).toBe('info');
    expect(CHECK_SEVERITY).toEqual({ failScored: 'high', fail: 'medium', error: 'medium', warn: 'low', pass: 'info', skip: 'info' });
  });
});
