import type { Observation } from '@zen-watcher/sdk';
import type { PendingCount } from '../pipeline/dedup-cache.js';

/**
 * How an upsert merges into an Observation that already exists: `increment` adds the new
 * Observation's count; `atLeast` raises the count to it (event-like sources that count repeats
 * themselves) and never lowers it; `ensure` leaves an existing one alone (a relist re-seeing a
 * finding it already recorded, e.g. catch-up after a takeover).
 */
export type MergeMode = 'increment' | 'atLeast' | 'ensure';

/**
 * Where Observations go: the API server in a cluster, a JSON-lines file in local mode. A
 * promise that resolves means the write is durable there; it rejects with a HostError
 * (QUEUE_FULL, SHUTTING_DOWN, WRITE_FAILED) otherwise.
 */
export interface ObservationSink {
  upsert(obs: Observation, mode: MergeMode): Promise<'created' | 'merged'>;
  /** Writes counts absorbed by the dedup cache; resolves with the ones that could not be written. */
  addCounts(counts: PendingCount[]): Promise<PendingCount[]>;
  /** Finishes what was accepted, then releases resources. Idempotent. */
  close(): Promise<void>;
}
