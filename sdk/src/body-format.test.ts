import { describe, expect, it } from 'vitest';
import { parseWebhookBody } from './body-format.js';

describe('parseWebhookBody', () => {
  it('parses one JSON document', () => {
    expect(parseWebhookBody('{"a":1}', ['json'])).toEqual({ ok: true, value: { a: 1 } });
  });

  it('reads several lines as NDJSON when the plugin accepts it, even sent as JSON', () => {
    expect(parseWebhookBody('{"a":1}\n\n{"a":2}\n', ['json', 'ndjson'])).toEqual({ ok: true, value: [{ a: 1 }, { a: 2 }] });
    expect(parseWebhookBody('{"a":1}\n{"a":2}\n', ['json']).ok).toBe(false);
  });

  it('names the line that is not JSON', () => {
    const r = parseWebhookBody('{"a":1}\n{oops\n', ['ndjson'], 'ndjson');
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^line 2/) });
  });

  it.each([
    '{"__proto__":{"polluted":true}}',
    '{"a":{"constructor":{"prototype":{"polluted":true}}}}',
    // JSON.parse decodes escapes in keys: these are `__proto__` and `constructor` too.
    '{"\\u005f_proto__":{"polluted":true}}',
    '{"a":{"constructo\\u0072":{"prototype":{"polluted":true}}}}',
    '{"__pr\\u006fto__":{"polluted":true}}',
  ])('refuses prototype pollution keys in %s', (text) => {
    const r = parseWebhookBody(text, ['json']);
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts the word constructor as a plain value, and escaped text that is no such key', () => {
    expect(parseWebhookBody('{"constructor":"x","proc":"__proto__"}', ['json'])).toEqual({ ok: true, value: { constructor: 'x', proc: '__proto__' } });
    expect(parseWebhookBody('{"msg":"a \\u003c b \\u0041"}', ['json'])).toEqual({ ok: true, value: { msg: 'a < b A' } });
  });
});
