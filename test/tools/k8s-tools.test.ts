import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { k8sTool } from './k8s-tools.js';

describe('k8sTool', () => {
  it('provides a real helm 3 and kubectl 1.32 that run here', () => {
    expect(execFileSync(k8sTool('helm'), ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v3\.\d+\.\d+/);
    expect(execFileSync(k8sTool('kubectl'), ['version', '--client', '-o', 'json'], { encoding: 'utf8' })).toMatch(/"minor": "32"/);
  }, 120_000);
});
