import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deepNest, mutateBytes, mutateTree, randomJson } from './hostile-values.ts';
import { postHead, type RawRequest } from './raw-http.ts';
import type { Rng } from './rng.ts';

export const FUZZ_SOURCES = ['falco', 'audit', 'webhook'] as const;
type Source = (typeof FUZZ_SOURCES)[number];

/** A real payload from a plugin's fixtures: its text, and its documents (one, or one per NDJSON line). */
export interface Fixture {
  source: Source;
  name: string;
  text: string;
  docs: unknown[];
}

export function loadFixtures(root: string): Fixture[] {
  return FUZZ_SOURCES.flatMap((source) => {
    const dir = join(root, 'plugins', source, 'test', 'fixtures');
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') || f.endsWith('.jsonl'))
      .map((name) => {
        const text = readFileSync(join(dir, name), 'utf8');
        const docs = name.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : [JSON.parse(text)];
        return { source, name, text, docs };
      });
  });
}

/**
 * One hostile request, what it is (for the failure report), whether a complete request is sent
 * (so an answer is owed), and whether the server may refuse it before reading its body (an
 * unknown route, a content type or size it refuses from the headers, malformed HTTP): then it
 * answers and closes while the body is still coming, and TCP may reset the connection before
 * the answer is read, which is a refusal too.
 */
export interface FuzzCase {
  kind: string;
  detail: string;
  req: RawRequest;
  expectAnswer: boolean;
  refusedEarly?: boolean;
}

const REFUSED_FROM_HEADERS = new Set(['content-type', 'oversize', 'http', 'path']);

const CONTENT_TYPES: (string | undefined)[] = [
  undefined,
  '',
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/cloudevents+json',
  'application/x-ndjson',
  'application/jsonl',
  'application/json-seq',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=zw',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'application/json, text/plain',
  ';;;',
  `application/${'x'.repeat(4000)}+json`,
];

const PATHS = ['/ingest/falco?x=1&x=2', '/ingest/falco/', '/ingest/FALCO', '/ingest/../metrics', '/ingest/%2e%2e/falco', '//ingest/falco', '/ingest/', '/ingest/nope', `/ingest/${'a'.repeat(8000)}`, 'http://127.0.0.1/ingest/audit', '/ingest/webhook%00'];

function post(path: string, body: Buffer | string, contentType: string | undefined = 'application/json', extra: [string, string][] = []): RawRequest {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  return { head: postHead(path, b, [...(contentType === undefined ? [] : ([['Content-Type', contentType]] as [string, string][])), ...extra]), body: b };
}

function ndjson(rng: Rng, fx: Fixture): { text: string; detail: string } {
  const lines = Array.from({ length: rng.size(1, 40) }, () => (rng.chance(0.8) ? JSON.stringify(rng.pick(fx.docs)) : rng.pick(['', '   ', '\t', '[1,2]', '"string"', '42', 'null', '{', '}{', randomJson(rng, 2), deepNest(rng, 2000), '{"rule":"r","priority":"Notice"}\u2028'])));
  const sep = rng.pick(['\n', '\r\n', '\n\n', '\r', '\n \n']);
  const oddity = rng.int(5);
  let text = lines.join(sep);
  if (oddity === 0) text = `\ufeff${text}`;
  if (oddity === 1) text += `${sep}garbage`;
  if (oddity === 2) text = Array.from({ length: 10_001 }, () => '{"rule":"r","priority":"Notice"}').join('\n');
  return { text, detail: `${lines.length} lines, separator ${JSON.stringify(sep)}, oddity ${oddity}` };
}

function badBatch(rng: Rng, fx: Fixture): string {
  const items = Array.from({ length: rng.size(1, 60) }, () => (rng.chance(0.5) ? JSON.stringify(rng.pick(fx.docs)) : rng.chance(0.5) ? mutateTree(rng, rng.pick(fx.docs)) : randomJson(rng, 3)));
  if (rng.chance(0.05)) items.push(...Array.from({ length: 10_001 }, () => '{}'));
  const array = `[${items.join(',')}]`;
  if (fx.source === 'audit' && rng.chance(0.6)) return `{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":${array}}`;
  if (fx.source === 'webhook' && rng.chance(0.5)) return `{"version":"4","status":"firing","alerts":${array}}`;
  return array;
}

/** One request of a random kind, built from `rng` alone (a seed replays it exactly). */
export function hostileCase(rng: Rng, fixtures: readonly Fixture[], bodyLimit: number): FuzzCase {
  const c = buildCase(rng, fixtures, bodyLimit);
  return { ...c, refusedEarly: REFUSED_FROM_HEADERS.has(c.kind) || c.req.body.length > bodyLimit };
}

function buildCase(rng: Rng, fixtures: readonly Fixture[], bodyLimit: number): FuzzCase {
  const fx = rng.pick(fixtures);
  const route = rng.chance(0.85) ? `/ingest/${fx.source}` : `/ingest/${rng.pick(FUZZ_SOURCES)}`;
  const doc = rng.pick(fx.docs);
  const kind = rng.weighted<string>([
    [8, 'fixture'],
    [15, 'bytes'],
    [15, 'tree'],
    [8, 'random'],
    [4, 'deep'],
    [8, 'content-type'],
    [8, 'ndjson'],
    [8, 'batch'],
    [2, 'oversize'],
    [3, 'slow'],
    [2, 'abandoned'],
    [5, 'http'],
    [3, 'path'],
  ]);
  const at = `${fx.source}/${fx.name} → ${route}`;
  switch (kind) {
    case 'fixture':
      return { kind, detail: at, req: post(route, fx.text, fx.name.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json'), expectAnswer: true };
    case 'bytes':
      return { kind, detail: at, req: post(route, mutateBytes(rng, Buffer.from(fx.text)), rng.pick(['application/json', 'application/x-ndjson'])), expectAnswer: true };
    case 'tree':
      return { kind, detail: at, req: post(route, mutateTree(rng, doc)), expectAnswer: true };
    case 'random':
      return { kind, detail: route, req: post(route, randomJson(rng)), expectAnswer: true };
    case 'deep': {
      // Deeper than any recursive walk survives, yet within the body limit (oversize is its own case).
      const inner = JSON.stringify(doc);
      let body = deepNest(rng, rng.size(1000, 200_000), inner);
      if (body.length > bodyLimit) body = deepNest(rng, Math.floor((bodyLimit - inner.length) / 12), inner);
      return { kind, detail: `${route}, ${body.length} bytes deep`, req: post(route, body), expectAnswer: true };
    }
    case 'content-type': {
      const ct = rng.pick(CONTENT_TYPES);
      return { kind, detail: `${at}, content-type ${JSON.stringify(ct?.slice(0, 60))}`, req: post(route, fx.text, ct), expectAnswer: true };
    }
    case 'ndjson': {
      const n = ndjson(rng, fx);
      return { kind, detail: `${at}, ${n.detail}`, req: post(route, n.text, rng.pick(['application/x-ndjson', 'application/json'])), expectAnswer: true };
    }
    case 'batch':
      return { kind, detail: at, req: post(route, badBatch(rng, fx)), expectAnswer: true };
    case 'oversize':
      // The server may answer 413 and close before the body is in; the answer can be lost to the reset.
      return { kind, detail: route, req: post(route, JSON.stringify({ rule: 'r', priority: 'Notice', output: 'x'.repeat(bodyLimit + rng.int(4096)) })), expectAnswer: false };
    case 'slow': {
      const req = { ...post(route, rng.chance(0.5) ? fx.text : mutateTree(rng, doc)), pieces: rng.size(3, 15), pauseMs: rng.size(20, 250) };
      return { kind, detail: `${at}, ${req.pieces} pieces ${req.pauseMs} ms apart`, req, expectAnswer: true };
    }
    case 'abandoned': {
      const body = Buffer.from(fx.text);
      const lie = rng.chance(0.5);
      // Half a body then gone, or a Content-Length that promises more than is ever sent.
      const req: RawRequest = { head: postHead(route, body, [['Content-Type', 'application/json']], lie ? body.length * 4 : body.length), body, abandonAfter: rng.int(body.length), pieces: 3, pauseMs: rng.size(10, 200) };
      return { kind, detail: `${at}, gone after ${req.abandonAfter} bytes${lie ? ', Content-Length ×4' : ''}`, req, expectAnswer: false };
    }
    case 'http':
      return httpOddity(rng, route, Buffer.from(fx.text), at);
    default: {
      const path = rng.pick(PATHS);
      return { kind, detail: path.slice(0, 80), req: post(path, fx.text), expectAnswer: true };
    }
  }
}

function httpOddity(rng: Rng, route: string, body: Buffer, at: string): FuzzCase {
  const which = rng.int(7);
  const ct: [string, string] = ['Content-Type', 'application/json'];
  const base = { kind: 'http', expectAnswer: true };
  switch (which) {
    case 0: {
      // Fewer bytes declared than sent: the rest reads as a second (garbage) request.
      const short = rng.int(body.length);
      return { ...base, detail: `${at}, Content-Length ${short} of ${body.length}`, req: { head: postHead(route, body, [ct], short), body } };
    }
    case 1: {
      const chunked = Buffer.concat([...chunksOf(rng, body).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')]);
      return { ...base, detail: `${at}, chunked`, req: { head: postHead(route, chunked, [ct, ['Transfer-Encoding', 'chunked']], null), body: chunked } };
    }
    case 2: {
      const bad = Buffer.from(`zz\r\n${body.toString('latin1').slice(0, 40)}\r\n0\r\n\r\n`, 'latin1');
      return { ...base, detail: `${at}, chunk size not hex`, req: { head: postHead(route, bad, [ct, ['Transfer-Encoding', 'chunked']], null), body: bad } };
    }
    case 3:
      return { ...base, detail: `${at}, Content-Length and Transfer-Encoding`, req: { head: postHead(route, body, [ct, ['Transfer-Encoding', 'chunked']]), body } };
    case 4:
      return { ...base, detail: `${at}, 20 KB header`, req: { head: postHead(route, body, [ct, ['X-Padding', 'p'.repeat(20_000)]]), body } };
    case 5:
      return { ...base, detail: `${at}, two Content-Types`, req: { head: postHead(route, body, [ct, ['Content-Type', 'text/plain']]), body } };
    default:
      return { ...base, detail: `${at}, GET`, req: { head: `GET ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close`, body: Buffer.alloc(0) } };
  }
}

function chunksOf(rng: Rng, body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let off = 0; off < body.length; ) {
    const n = Math.max(1, rng.size(1, 512));
    out.push(body.subarray(off, off + n));
    off += n;
  }
  return out;
}
