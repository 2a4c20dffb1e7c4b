import { ErrorCodes as ContractCodes } from '@zen-watcher/sdk';

/**
 * Error codes of the host. The contract's codes (plugin loading, config, bodies) come from the
 * sdk; these are the host's own.
 */
export const HostErrorCodes = {
  ...ContractCodes,
  /** The host's own configuration (env vars, config file) is invalid. */
  HOST_CONFIG_INVALID: 'ZW_ERR_HOST_CONFIG_INVALID',
  /** The write queue is full; the caller should retry later. */
  QUEUE_FULL: 'ZW_ERR_QUEUE_FULL',
  /** The host is shutting down and accepts no more work. */
  SHUTTING_DOWN: 'ZW_ERR_SHUTTING_DOWN',
  /** Writing to the Observation store failed after every retry (it may work later). */
  WRITE_FAILED: 'ZW_ERR_WRITE_FAILED',
  /** The Observation store refused the write for good (a 4xx other than 429/409): retrying cannot help. */
  WRITE_REJECTED: 'ZW_ERR_WRITE_REJECTED',
} as const;

/** One of {@link HostErrorCodes}. */
export type HostErrorCode = (typeof HostErrorCodes)[keyof typeof HostErrorCodes];

/** An error of the host, with a stable code and an optional cause. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  /** Seconds a client should wait before retrying, for QUEUE_FULL and SHUTTING_DOWN. */
  readonly retryAfterSeconds?: number;

  constructor(code: HostErrorCode, message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

