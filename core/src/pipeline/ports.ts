import type { Observation } from '@zen-watcher/sdk';
import type { CountChange } from './count-change.js';

/** A count the dedup cache absorbed and still has to write. */
export interface PendingCount {
  namespace: string;
  name: string;
  source: string;
  change: CountChange;
}

/** Why a write may work later: the sender (or the informer) should come back after `seconds`. */
export type RetryReason = 'queue_full' | 'shutting_down' | 'unavailable' | 'timeout';

/** Why a write can never work as sent; the `reason` label of the dropped counter. */
export type RejectReason = 'write_rejected' | 'namespace_gone' | 'aborted';

/**
 * What one write came to. Callers map it (a webhook to 200/429/503/500, an informer to "go on"
 * or "back off"); they never inspect errors.
 */
export type WriteOutcome =
  | { kind: 'created' }
  | { kind: 'merged' }
  | { kind: 'retryAfter'; seconds: number; reason: RetryReason; message: string }
  | { kind: 'rejected'; reason: RejectReason; message: string };

/**
 * How long a write may take and who is waiting. A webhook sender waits (`live`, with a
 * deadline); informer catch-up does not (`background`, no deadline: retried until `signal`).
 */
export interface WriteOptions {
  priority: 'live' | 'background';
  /** `performance.now()` by which the write must be done; past it the outcome is `retryAfter`. */
  deadline?: number;
  signal?: AbortSignal;
  /** Who a background write is for (a source instance): background slots go round-robin between them. */
  tenant?: string;
}

/**
 * Where Observations go: the API server in a cluster, a JSON-lines file in local mode. Owned
 * by the pipeline, its only caller; the sinks implement it.
 */
export interface ObservationSink {
  /** Creates `obs` with `initialCount(change)`, or applies `change` to the one that exists. */
  upsert(obs: Observation, change: CountChange, options: WriteOptions): Promise<WriteOutcome>;
  /** Writes counts absorbed by the dedup cache; resolves with the ones to try again later. */
  addCounts(counts: readonly PendingCount[]): Promise<PendingCount[]>;
  /** Finishes what was accepted, then releases resources. Idempotent. */
  close(): Promise<void>;
}
