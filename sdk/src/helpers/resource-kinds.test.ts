import { describe, expect, it } from 'vitest';
import { kindOf } from './resource-kinds.js';

describe('kindOf', () => {
  it.each([
    ['clusterrolebindings', { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' }],
    ['Pods', { kind: 'Pod', apiVersion: 'v1' }],
    ['policyreports', { kind: 'Policyreport' }],
    ['policies', { kind: 'Policy' }],
    ['gatewayclasses', { kind: 'Gatewayclass' }],
  ])('%s → %j', (resource, expected) => {
    expect(kindOf(resource)).toEqual(expected);
  });
});
