import { describe, expect, it } from 'vitest';
import Type from 'typebox';
import { PLUGIN_API_VERSION, assertApiVersion, definePlugin, validatePluginShape } from './plugin.js';
import { ZenWatcherError } from './errors.js';

describe('definePlugin', () => {
  it('stamps the contract version and freezes the plugin', () => {
    const p = definePlugin({ name: 'hello', kind: 'webhook', handle: () => [] });
    expect(p.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(Object.isFrozen(p)).toBe(true);
  });

  it.each([
    [{ name: 'Bad Name', kind: 'webhook', handle: () => [] }, /kebab-case/],
    [{ name: 'x', kind: 'cron', handle: () => [] }, /kind must be/],
    [{ name: 'x', kind: 'webhook' }, /needs a handle/],
    [{ name: 'x', kind: 'informer', onEvent: () => [] }, /needs resources/],
    [{ name: 'x', kind: 'webhook', handle: () => [], accepts: ['xml'] }, /accepts must be/],
  ])('throws a TypeError naming the problem for %o', (plugin, message) => {
    expect(() => definePlugin(plugin as never)).toThrow(TypeError);
    expect(validatePluginShape(plugin).join(';')).toMatch(message);
  });

  it('names the package when the contract version is unknown', () => {
    const p = { ...definePlugin({ name: 'x', kind: 'webhook', config: Type.Object({}), handle: () => [] }), apiVersion: 3 };
    expect(() => assertApiVersion(p, '@acme/zw-x')).toThrow(ZenWatcherError);
    expect(() => assertApiVersion(p, '@acme/zw-x')).toThrow(/@acme\/zw-x.*version 3/);
  });

  it('still runs contract 1 plugins that do not use what contract 2 removed, and says how to migrate the others', () => {
    expect(() => assertApiVersion({ apiVersion: 1, kind: 'webhook' }, 'a')).not.toThrow();
    expect(() => assertApiVersion({ apiVersion: 1, kind: 'informer', onEvent: (_t: unknown, _o: unknown, _c: unknown) => [] }, 'b')).not.toThrow();
    const usesOld = { apiVersion: 1, kind: 'informer', onEvent: (_t: unknown, _o: unknown, _c: unknown, _old: unknown) => [] };
    expect(() => assertApiVersion(usesOld, '@acme/zw-old')).toThrow(/@acme\/zw-old declares contract version 1.*drop `old` from onEvent/);
  });
});
