import type { Rng } from './rng.ts';

// JSON text rather than values where JSON.stringify could not write them: numbers beyond a
// double (JSON.parse makes them Infinity or 0), lone surrogates, nesting deeper than any stack.
const HOSTILE_SCALARS = [
  '1e400',
  '-1e400',
  '1e-400',
  '-0',
  '1.7976931348623157e308',
  '123456789012345678901234567890123456789',
  '0.0000000000000000000000000001',
  '9007199254740993',
  '-9007199254740993',
  '4294967296',
  '""',
  '"\\u0000"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u202e\\u0000\\u001b[31m"',
  '"__proto__"',
  'true',
  'null',
  '[]',
  '{}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"\\u005f_proto__":{"polluted":1}}',
  '"2026-13-45T25:61:61Z"',
  '"9999-12-31T23:59:59.999999999+99:99"',
  '"Emergency"',
  '"Critical"',
];

function jsonString(rng: Rng): string {
  const n = rng.size(0, 300);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = rng.int(8);
    s += c === 0 ? String.fromCharCode(rng.int(0x20)) : c === 1 ? String.fromCharCode(0x80 + rng.int(0xff80)) : String.fromCharCode(0x20 + rng.int(0x5f));
  }
  return JSON.stringify(s);
}

/** A random JSON document as text, at most `depth` deep. */
export function randomJson(rng: Rng, depth = 6): string {
  const kind = depth <= 0 ? rng.int(3) : rng.int(6);
  if (kind === 0) return rng.pick(HOSTILE_SCALARS);
  if (kind === 1) return jsonString(rng);
  if (kind === 2) return String((rng.next() - 0.5) * 10 ** rng.int(30));
  if (kind === 3) return `[${Array.from({ length: rng.size(0, 20) }, () => randomJson(rng, depth - 1)).join(',')}]`;
  const keys = Array.from({ length: rng.size(0, 20) }, () => (rng.chance(0.3) ? rng.pick(['rule', 'priority', 'output_fields', 'auditID', 'kind', 'items', 'alerts', 'labels', 'severity', 'title', 'time', 'verb', 'objectRef', 'user', 'stage', '__proto__']) : jsonString(rng).slice(1, -1)));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${randomJson(rng, depth - 1)}`).join(',')}}`;
}

/** `depth` levels of arrays or objects around `inner`: beyond what a recursive walk survives. */
export function deepNest(rng: Rng, depth: number, inner = '1'): string {
  if (rng.chance(0.5)) return `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
  const key = rng.pick(['a', 'output_fields', 'labels', 'items']);
  return `${`{"${key}":`.repeat(depth)}${inner}${'}'.repeat(depth)}`;
}

/**
 * A real document with one part replaced: a field's value swapped for a hostile scalar, a deep
 * nest, a random document or a huge string, a field removed, or the whole wrapped in an array.
 * Works on the parsed tree and writes JSON text with the hostile part spliced in as text.
 */
export function mutateTree(rng: Rng, doc: unknown): string {
  const MARK = '\u0000zw-fuzz-mark\u0000';
  const copy = structuredClone(doc);
  const holders: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown, d: number) => {
    if (d > 12 || v === null || typeof v !== 'object') return;
    for (const k of Object.keys(v)) {
      holders.push([v as Record<string, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk((v as Record<string, unknown>)[k], d + 1);
    }
  };
  walk(copy, 0);
  if (holders.length === 0 || rng.chance(0.05)) return `[${JSON.stringify(copy)},${randomJson(rng, 3)}]`;
  const [holder, key] = rng.pick(holders);
  const action = rng.int(6);
  if (action === 0 && !Array.isArray(holder)) {
    delete holder[key as string];
    return JSON.stringify(copy);
  }
  (holder as Record<string, unknown>)[key as string] = MARK;
  const replacement =
    action === 1 ? rng.pick(HOSTILE_SCALARS) : action === 2 ? deepNest(rng, rng.size(10, 5000)) : action === 3 ? JSON.stringify('x'.repeat(rng.size(1000, 200_000))) : randomJson(rng, 4);
  return JSON.stringify(copy).replace(JSON.stringify(MARK), () => replacement);
}

/** Byte-level damage to a body: flipped, inserted, deleted or duplicated bytes, a cut, invalid UTF-8. */
export function mutateBytes(rng: Rng, body: Buffer): Buffer {
  let b = Buffer.from(body);
  for (let n = rng.size(1, 8); n > 0; n--) {
    const at = rng.int(b.length + 1);
    switch (rng.int(6)) {
      case 0:
        if (b.length > 0) b[Math.min(at, b.length - 1)] ^= 1 << rng.int(8);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), rng.bytes(rng.size(1, 16)), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.size(1, 64)))]);
        break;
      case 3:
        b = b.subarray(0, at);
        break;
      case 4:
        b = Buffer.concat([b.subarray(0, at), b.subarray(rng.int(b.length + 1)), b.subarray(at)]);
        break;
      default:
        // Invalid UTF-8: a stray continuation byte, an overlong slash, a surrogate, a cut sequence.
        b = Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick([[0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff, 0xfe]])), b.subarray(at)]);
    }
  }
  return b;
}
