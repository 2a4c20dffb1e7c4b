import { ErrorCodes as ContractCodes } from '@zen-watcher/sdk';

/**
 * Error codes of the host. The contract's codes (plugin loading, start, config) come from the
 * sdk; these are the host's own. Write failures are not errors but typed outcomes
 * (`pipeline/ports.ts`), which callers map.
 */
export const HostErrorCodes = {
  ...ContractCodes,
  /** The host's own configuration (env vars, config file, a config-file source) is invalid. */
  HOST_CONFIG_INVALID: 'ZW_ERR_HOST_CONFIG_INVALID',
} as const;

/** One of {@link HostErrorCodes}. */
export type HostErrorCode = (typeof HostErrorCodes)[keyof typeof HostErrorCodes];

/** An error of the host, with a stable code and an optional cause. */
export class HostError extends Error {
  readonly code: HostErrorCode;

  constructor(code: HostErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HostError';
    this.code = code;
  }
}
