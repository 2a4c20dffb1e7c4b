/**
 * Stable error codes of the plugin contract. The host and the testing harness throw
 * {@link ZenWatcherError}s carrying one of these, so callers can branch on `err.code`.
 *
 * @example
 * ```ts
 * if (err instanceof ZenWatcherError && err.code === ErrorCodes.CONFIG_INVALID) { ... }
 * ```
 */
export const ErrorCodes = {
  /** The plugin was built against a contract version this host does not know. */
  PLUGIN_API_VERSION: 'ZW_ERR_PLUGIN_API_VERSION',
  /** A plugin package could not be imported or has no plugin as its default export. */
  PLUGIN_LOAD: 'ZW_ERR_PLUGIN_LOAD',
  /** A plugin's `start` hook failed. */
  PLUGIN_START: 'ZW_ERR_PLUGIN_START',
  /** A plugin's configuration does not match its schema. */
  CONFIG_INVALID: 'ZW_ERR_CONFIG_INVALID',
} as const;

/**
 * One of {@link ErrorCodes}.
 *
 * @example
 * ```ts
 * const code: ErrorCode = 'ZW_ERR_CONFIG_INVALID';
 * ```
 */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/**
 * A problem found by a schema check: where (a JSON pointer such as `/spec/config/minPriority`)
 * and why.
 *
 * @example
 * ```ts
 * const issue: SchemaIssue = { path: '/minPriority', message: 'must be one of ...' };
 * ```
 */
export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * The error type of the contract: a stable `code`, a message for people, an optional `cause`
 * and, for schema failures, the list of `issues`.
 *
 * @example
 * ```ts
 * throw new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, 'plugin "x" failed to load', { cause: err });
 * ```
 */
export class ZenWatcherError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly SchemaIssue[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; issues?: SchemaIssue[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ZenWatcherError';
    this.code = code;
    this.issues = options.issues ?? [];
  }
}
