// get, list (selectors, limit/continue over a consistent snapshot, resourceVersion semantics)
// and watch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Identity } from './auth.ts';
import type { CostGate } from './cost-model.ts';
import { encodeJson, encodeListItem } from './encode.ts';
import type { Faults } from './faults.ts';
import { boolParam, sendJson } from './http-io.ts';
import type { RequestInfo } from './request-log.ts';
import type { RestStorage } from './rest-storage.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { apiVersionOf } from './resource-types.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import type { FieldError } from './field-errors.ts';
import { forbiddenField, notSupported } from './field-errors.ts';
import { parseJsonLikeGo } from './go-json.ts';
import { badRequest, expired, invalid, rawServerError, timeout } from './status.ts';
import type { Store } from './store.ts';
import { objectKey } from './store.ts';
import type { WatchSettings } from './watch.ts';
import { WatchStream } from './watch.ts';
import { toTable, wantsTable } from './table.ts';

export interface ServerSettings extends WatchSettings {
  /** How long a list at a future resourceVersion waits before 504 (real: 3 s). */
  tooLargeResourceVersionWaitMs: number;
  /** Per-request cost (off when undefined). */
  cost?: CostGate;
  /** Server-chosen watch duration when the client sets no timeoutSeconds: [min, max] seconds. */
  watchTimeoutSeconds: [number, number];
}

export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  info: RequestInfo;
  type: ResourceType;
  storage: RestStorage;
  settings: ServerSettings;
  watches: Set<WatchStream>;
  faults: Faults;
  identity: Identity;
}

export function handleGet(ctx: HandlerContext): void {
  const { type, info } = ctx;
  const o = ctx.storage.get(type, info.namespace, info.name);
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx.res, 200, toTable(ctx.storage.store, type, [o], { resourceVersion: o.metadata.resourceVersion }, ctx.url.searchParams.get('includeObject')));
    return;
  }
  sendJson(ctx.res, 200, encodeJson(type, o));
}

export interface Selection {
  labels: LabelSelector;
  fields: FieldSelector;
}

export function parseSelection(ctx: HandlerContext): Selection {
  const p = ctx.url.searchParams;
  let labels: LabelSelector;
  let fields: FieldSelector;
  try {
    labels = parseLabelSelector(p.get('labelSelector'));
    fields = parseFieldSelector(p.get('fieldSelector'));
  } catch (err) {
    throw badRequest((err as Error).message);
  }
  // A watch on a named object (legacy form) is a watch with a metadata.name field selector.
  if (ctx.info.name) fields = [...fields, { field: 'metadata.name', op: '=', value: ctx.info.name }];
  const supported = Object.keys(ctx.type.fieldLabels({ metadata: {} }));
  for (const f of fields) {
    if (supported.includes(f.field)) continue;
    const metaOnly = supported.every((s) => s.startsWith('metadata.'));
    if (ctx.type.custom || metaOnly) {
      throw badRequest(`${JSON.stringify(f.field)} is not a known field selector: only ${supported.map((s) => JSON.stringify(s)).join(', ')}`);
    }
    throw badRequest(`field label not supported: ${f.field}`);
  }
  return { labels, fields };
}

/**
 * The storage layer parses resourceVersions with strconv.ParseUint and its error reaches the
 * client untranslated: a reason-less 500, for lists and watches alike.
 */
function parseRv(raw: string): number {
  let problem = '';
  if (!/^\d+$/.test(raw)) problem = 'invalid syntax';
  else if (BigInt(raw) > 0xffffffffffffffffn) problem = 'value out of range';
  if (problem) throw rawServerError(`resourceVersion: Invalid value: ${JSON.stringify(raw)}: strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${problem}`);
  return Number(raw);
}

export function matchesSelection(t: ResourceType, sel: Selection, o: Obj): boolean {
  if (sel.labels.length && !matchesLabels(sel.labels, o.metadata.labels)) return false;
  if (sel.fields.length && !matchesFields(sel.fields, t.fieldLabels(o))) return false;
  return true;
}

/** The objects as they were at `rv`, rebuilt by undoing later history; undefined if compacted. */
function stateAt(store: Store, t: ResourceType, ns: string | undefined, rv: number): Obj[] | undefined {
  const later = store.since(t.storageKey, rv);
  if (!later) return undefined;
  if (later.length === 0) return store.list(t.storageKey, ns);
  const byKey = new Map<string, Obj>();
  for (const o of store.list(t.storageKey, ns)) byKey.set(objectKey(o), o);
  for (let i = later.length - 1; i >= 0; i--) {
    const ev = later[i];
    if (ns !== undefined && (ev.object.metadata.namespace ?? '') !== ns) continue;
    const k = objectKey(ev.object);
    if (ev.type === 'ADDED') byKey.delete(k);
    else byKey.set(k, ev.prev!);
  }
  return [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map((e) => e[1]);
}

async function waitForRv(store: Store, rv: number, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  while (store.rv < rv) {
    if (Date.now() >= deadline) {
      throw timeout(`Too large resource version: ${rv}, current: ${store.rv}`, 1, [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface ContinueToken {
  rv: number;
  start: string;
}

// storage.EncodeContinue: unpadded base64url of {"v","rv","start"}.
function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${lastKey}\u0000` })).toString('base64url');
}

/** Where Go's base64.RawURLEncoding would fail on `s`, or -1. */
function base64UrlErrorAt(s: string): number {
  const bad = s.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) return bad;
  return s.length % 4 === 1 ? s.length - 1 : -1;
}

/** storage.DecodeContinue, with its errors wrapped as the list handler wraps them. */
function decodeContinue(token: string): ContinueToken {
  const fail = (why: string): never => {
    throw badRequest(`invalid continue token: continue key is not valid${why}`);
  };
  const at = base64UrlErrorAt(token);
  if (at >= 0) fail(`: illegal base64 data at input byte ${at}`);
  let parsed: { v?: unknown; rv?: unknown; start?: unknown };
  try {
    parsed = parseJsonLikeGo(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
  } catch (err) {
    return fail(`: ${(err as Error).message}`);
  }
  if (parsed.v !== 'meta.k8s.io/v1') return fail(`: server does not recognize this encoded version ${String(parsed.v ?? '')}`);
  if (typeof parsed.rv !== 'number' || parsed.rv === 0) return fail(': incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof parsed.start !== 'string' || parsed.start === '') return fail(': encoded start key empty (version meta.k8s.io/v1)');
  return { rv: parsed.rv, start: parsed.start };
}

/** ValidateListOptions: what the list handler refuses before reaching storage (422 ListOptions). */
function validateListOptions(p: URLSearchParams): void {
  const errs: FieldError[] = [];
  const match = p.get('resourceVersionMatch') ?? '';
  const rv = p.get('resourceVersion') ?? '';
  if (match) {
    if (!rv) errs.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    if (p.get('continue')) errs.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided'));
    if (match !== 'Exact' && match !== 'NotOlderThan') errs.push(notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan', '']));
    if (match === 'Exact' && rv === '0') errs.push(forbiddenField('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
  }
  if (p.has('sendInitialEvents')) errs.push(forbiddenField('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  if (errs.length) throw invalid('meta.k8s.io', 'ListOptions', '', errs);
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

export async function handleList(ctx: HandlerContext): Promise<void> {
  const { type: t, storage, url } = ctx;
  const store = storage.store;
  const p = url.searchParams;
  const sel = parseSelection(ctx);
  const ns = t.namespaced && ctx.info.namespace ? ctx.info.namespace : undefined;
  const limitRaw = p.get('limit');
  let limit = limitRaw && /^\d+$/.test(limitRaw) ? Number(limitRaw) : 0;
  const cont = p.get('continue');
  const rvRaw = p.get('resourceVersion') ?? '';
  const snapshotId = (rv: number): string => `${t.storageKey}|${ns ?? '*'}|${rv}`;
  const rvMatch = p.get('resourceVersionMatch');
  validateListOptions(p);
  if (cont && rvRaw !== '' && rvRaw !== '0') throw badRequest('resourceVersion: Forbidden: specifying resource version is not allowed when using continue');
  // resourceVersion "0" and NotOlderThan are served from the watch cache, which ignores limit.
  const fromCache = !cont && (rvRaw === '0' || (rvRaw !== '' && rvMatch === 'NotOlderThan'));
  if (fromCache) limit = 0;

  let listRv = store.rv;
  let items: Obj[];
  let start = '';
  if (cont) {
    const tok = decodeContinue(cont);
    if (tok.rv < store.compactedRv) throw expired(CONTINUE_EXPIRED);
    listRv = tok.rv;
    start = tok.start;
    items = store.snapshot(snapshotId(tok.rv)) ?? stateAt(store, t, ns, tok.rv) ?? store.list(t.storageKey, ns);
  } else if (rvRaw !== '' && rvRaw !== '0') {
    const rv = parseRv(rvRaw);
    if (rv > store.rv) await waitForRv(store, rv, ctx.settings.tooLargeResourceVersionWaitMs);
    const exact = rvMatch === 'Exact' || (!rvMatch && limit > 0);
    if (exact) {
      const state = stateAt(store, t, ns, rv);
      if (!state) throw expired(`too old resource version: ${rv} (${store.oldestWatchableRv(t.storageKey)})`);
      items = state;
      listRv = rv;
    } else {
      items = store.list(t.storageKey, ns);
    }
  } else {
    items = store.list(t.storageKey, ns);
  }

  let i = 0;
  if (start) {
    // first key strictly after the previous page's last key
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (objectKey(items[mid]) < start) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  const page: Obj[] = [];
  let lastKey = '';
  for (; i < items.length && (limit === 0 || page.length < limit); i++) {
    const o = items[i];
    if (!matchesSelection(t, sel, o)) continue;
    page.push(o);
    lastKey = objectKey(o);
  }
  const meta: Obj = { resourceVersion: String(listRv) };
  if (limit > 0 && i < items.length) {
    meta.continue = encodeContinue(listRv, lastKey);
    if (!cont) store.saveSnapshot(snapshotId(listRv), items);
    if (!sel.labels.length && !sel.fields.length) meta.remainingItemCount = items.length - i;
  }
  await ctx.settings.cost?.listed(page.length);
  if (wantsTable(ctx.req.headers.accept)) {
    sendJson(ctx.res, 200, toTable(store, t, page, meta, p.get('includeObject')));
    return;
  }
  const encoded = page.map((o) => encodeListItem(t, o)).join(',');
  sendJson(ctx.res, 200, `{"kind":"${t.listKind}","apiVersion":"${apiVersionOf(t)}","metadata":${JSON.stringify(meta)},"items":[${encoded}]}`);
}

export function handleWatch(ctx: HandlerContext): void {
  const { type: t, url } = ctx;
  const p = url.searchParams;
  const sel = parseSelection(ctx);
  const rvRaw = p.get('resourceVersion') ?? '';
  const rv = rvRaw === '' ? undefined : parseRv(rvRaw);
  const timeoutRaw = p.get('timeoutSeconds');
  const [min, max] = ctx.settings.watchTimeoutSeconds;
  const timeoutMs = timeoutRaw && /^\d+$/.test(timeoutRaw) && Number(timeoutRaw) > 0 ? Number(timeoutRaw) * 1000 : (min + Math.random() * (max - min)) * 1000;
  const sendInitialEvents = boolParam(p.get('sendInitialEvents'));
  const allowBookmarks = boolParam(p.get('allowWatchBookmarks'));
  if (sendInitialEvents && !allowBookmarks) throw badRequest('sendInitialEvents: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true');
  const stream = new WatchStream(
    ctx.res,
    ctx.storage.store,
    {
      type: t,
      namespace: t.namespaced && ctx.info.namespace ? ctx.info.namespace : undefined,
      labelSelector: sel.labels,
      fieldSelector: sel.fields,
      resourceVersion: sendInitialEvents ? undefined : rv,
      allowBookmarks,
      sendInitialEvents,
      timeoutMs,
      client: { user: ctx.identity.user, token: ctx.identity.token },
    },
    ctx.settings,
    (w) => ctx.watches.delete(w),
  );
  ctx.watches.add(stream);
  if (ctx.faults.shouldFreeze(stream)) stream.freeze();
  stream.start();
}
