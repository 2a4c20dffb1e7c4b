import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../kube/kube-http.js';
import { classifyWriteError } from './write-errors.js';

const api = (status: number, reason: string, message = 'm', details?: unknown, retryAfter?: number) => new KubeApiError(status, reason, message, retryAfter, details);

describe('classifyWriteError', () => {
  it.each([
    ['a create in a namespace that does not exist', api(404, 'NotFound', 'namespaces "gone" not found', { name: 'gone', kind: 'namespaces' }), 'rejected', 'namespace_gone'],
    ['a create in a terminating namespace', api(403, 'Forbidden', 'observations "x" is forbidden: unable to create new content in namespace a because it is being terminated', { causes: [{ reason: 'NamespaceTerminating' }] }), 'rejected', 'namespace_gone'],
    ['an invalid Observation', api(422, 'Invalid', 'spec.severity: Unsupported value'), 'rejected', 'write_rejected'],
    ['a denied write (RBAC, admission)', api(403, 'Forbidden', 'denied'), 'rejected', 'write_rejected'],
    ['the CRD not served (yet)', api(404, 'NotFound', 'the server could not find the requested resource'), 'retry', undefined],
    ['throttling', api(429, 'TooManyRequests', 'slow down', undefined, 3), 'retry', undefined],
    ['a server error', api(503, 'ServiceUnavailable'), 'retry', undefined],
    ['a network failure', new TypeError('fetch failed'), 'retry', undefined],
  ])('%s', (_what, err, kind, reason) => {
    const r = classifyWriteError(err, 0);
    expect(r.kind).toBe(kind);
    if (r.kind === 'rejected') expect(r.reason).toBe(reason);
  });

  it('waits what the API server asks in Retry-After', () => {
    const r = classifyWriteError(api(429, 'TooManyRequests', 'm', undefined, 3), 5);
    expect(r).toMatchObject({ kind: 'retry', afterMs: 3000, label: 'http_429' });
  });
});
