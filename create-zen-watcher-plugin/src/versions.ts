/**
 * The versions a generated plugin pins for its build and test tools: the ones the zen-watcher
 * repository itself builds and tests with (a test holds them equal to the root package.json), so
 * a plugin made from a checkout installs them from the npm cache the checkout filled.
 */
export const TOOL_VERSIONS = {
  '@types/node': '24.19.2',
  tsup: '9.0.0',
  typescript: '5.9.3',
  vitest: '5.1.1',
} as const;

/** The typebox line of the sdk: a plugin's schemas are checked by the host's copy (a peer). */
export const TYPEBOX_VERSION = '1.4.3';
