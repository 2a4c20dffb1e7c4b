import { KubeApiError } from '../kube/kube-http.js';
import { isRetryable, retryDelayMs } from '../kube/retry.js';
import type { RejectReason } from '../pipeline/ports.js';

/** What a failed write request means: try again (after a while), or never. */
export type WriteFailure = { kind: 'retry'; afterMs: number; label: string } | { kind: 'rejected'; reason: RejectReason; message: string; label: string };

/**
 * The one place that decides what an API error means for an Observation write. Throttling,
 * server errors and network failures are retried (honouring Retry-After). A namespace that is
 * gone or terminating can never take the Observation: the API server answers 404 with
 * `details.kind: namespaces` to a create there, and 403 (`NamespaceTerminating`) while it is
 * being deleted. Any other 4xx (invalid, forbidden) is refused for good. A 404 that is not about
 * the namespace means the Observation CRD is not served (yet): retried, it may be installed.
 */
export function classifyWriteError(err: unknown, attempt: number): WriteFailure {
  const label = err instanceof KubeApiError ? `http_${err.status}` : 'network';
  if (!(err instanceof KubeApiError)) return { kind: 'retry', afterMs: retryDelayMs(err, attempt), label };
  if (namespaceGone(err)) return { kind: 'rejected', reason: 'namespace_gone', message: err.message, label };
  if (err.status === 404) return { kind: 'retry', afterMs: Math.max(retryDelayMs(err, attempt), 1000), label };
  if (isRetryable(err)) return { kind: 'retry', afterMs: retryDelayMs(err, attempt), label };
  return { kind: 'rejected', reason: 'write_rejected', message: `the API server refused the write (${err.status} ${err.reason}): ${err.message}`, label };
}

function namespaceGone(err: KubeApiError): boolean {
  const details = err.details as { kind?: string; causes?: { reason?: string }[] } | undefined;
  if (err.status === 404) return details?.kind === 'namespaces';
  if (err.status === 403) return details?.causes?.some((c) => c.reason === 'NamespaceTerminating') === true || /because it is being terminated/.test(err.message);
  return false;
}
