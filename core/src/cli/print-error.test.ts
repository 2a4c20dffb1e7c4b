import { describe, expect, it } from 'vitest';
import { ErrorCodes, ZenWatcherError } from '@zen-watcher/sdk';
import { HostError, HostErrorCodes } from '../errors.js';
import { formatCliError } from './print-error.js';

const quiet = { LOG_LEVEL: 'info' };

describe('formatCliError', () => {
  it('prints a coded error as its message and its causes, without a stack', () => {
    const start = new ZenWatcherError(ErrorCodes.PLUGIN_START, 'source 0 (certs) in the config: StartFailed', {
      cause: new Error('warnDays must exceed criticalDays', { cause: new RangeError('7 > 3') }),
    });
    expect(formatCliError(start, quiet)).toBe('zen-watcher: source 0 (certs) in the config: StartFailed\n  cause: warnDays must exceed criticalDays\n  cause: 7 > 3\n');
  });

  it('does not repeat a cause the message already quotes', () => {
    const load = new ZenWatcherError(ErrorCodes.PLUGIN_LOAD, 'plugin package zw-x failed to load: Cannot find module yaml', { cause: new Error('Cannot find module yaml') });
    expect(formatCliError(load, quiet)).toBe('zen-watcher: plugin package zw-x failed to load: Cannot find module yaml\n');
  });

  it('prints the host config error as it is, every line of it', () => {
    const err = new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'invalid configuration:\n  - zw.yaml: /hots: unknown field');
    expect(formatCliError(err, quiet)).toBe('zen-watcher: invalid configuration:\n  - zw.yaml: /hots: unknown field\n');
  });

  it('prints what the OS refused without a stack', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE', syscall: 'listen' });
    expect(formatCliError(err, quiet)).toBe('zen-watcher: listen EADDRINUSE: address already in use 127.0.0.1:8080\n');
  });

  it('adds the stack with LOG_LEVEL=debug', () => {
    const err = new HostError(HostErrorCodes.HOST_CONFIG_INVALID, 'invalid configuration');
    expect(formatCliError(err, { LOG_LEVEL: 'debug' })).toMatch(/^zen-watcher: invalid configuration\nHostError: invalid configuration\n\s+at /);
  });

  it('prints the stack of anything else: a bug', () => {
    const out = formatCliError(new TypeError("Cannot read properties of undefined (reading 'x')"), quiet);
    expect(out).toMatch(/^zen-watcher: TypeError: Cannot read properties of undefined \(reading 'x'\)\n\s+at /);
  });
});
