// create, update (PUT), patch, delete and deletecollection over HTTP: body decoding, field
// validation directives, dry run, and the response each verb gives.
import type { Tokens } from './auth.ts';
import { encodeJson } from './encode.ts';
import { parseJsonLikeGo } from './go-json.ts';
import { mediaType, parseObjectBody, readBody, sendJson, warningHeader } from './http-io.ts';
import type { Json } from './patch.ts';
import { PatchApplyError, isObject, jsonPatch, mergePatch, mergePatchedJson, sortedJson, strategicMergePatch } from './patch.ts';
import type { HandlerContext } from './read-handlers.ts';
import { matchesSelection, parseSelection } from './read-handlers.ts';
import type { FieldWriter } from './managed-fields.ts';
import { managerName, updatedManagedFields } from './managed-fields.ts';
import { PROTOBUF_TYPES, decodeProtobufObject } from './protobuf.ts';
import type { Decoded, Obj } from './resource-types.ts';
import { TOKEN_REVIEWS, apiVersionOf } from './resource-types.ts';
import { DecodeError } from './builtin-schemas.ts';
import { invalidValue } from './field-errors.ts';
import { ApiError, badRequest, invalid, successStatus, unsupportedMediaType, withEmptyDetails } from './status.ts';

export interface WriteContext extends HandlerContext {
  tokens: Tokens;
}

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';

function dryRun(ctx: HandlerContext): boolean {
  return ctx.url.searchParams.getAll('dryRun').includes('All');
}

function writer(ctx: HandlerContext): FieldWriter {
  return { manager: managerName(ctx.url.searchParams.get('fieldManager'), ctx.req.headers['user-agent']), apiVersion: apiVersionOf(ctx.type), subresource: ctx.info.subresource };
}

/** Write options of a request; unknown-field warnings go out with a failure too, as the decoder already sent them. */
async function writing<T>(headers: Record<string, string[]>, fn: () => T): Promise<T> {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ApiError && headers.Warning && !err.headers.Warning) err.headers.Warning = headers.Warning;
    throw err;
  }
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

async function readObject(ctx: HandlerContext): Promise<Obj> {
  const type = mediaType(ctx.req);
  // Built-in types take protobuf (kubectl's typed generators send it); custom resources do not.
  const protobuf = !ctx.type.custom && ctx.type.kind in PROTOBUF_TYPES;
  if (type === PROTOBUF && protobuf) return decodeProtobufObject(await readBody(ctx.req), ctx.type.kind);
  if (type !== 'application/json' && type !== 'application/yaml' && type !== '*/*') {
    throw unsupportedMediaType(ctx.type.custom ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', PROTOBUF]);
  }
  const body = parseObjectBody(await readBody(ctx.req), type);
  if (!isObject(body)) throw badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(body) ? 'array' : typeof body} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  return body;
}

/** fieldValidation=Strict|Warn|Ignore for fields the type does not have (dropped either way). */
function unknownFieldHeaders(ctx: HandlerContext, d: Decoded): Record<string, string[]> {
  if (d.unknown.length === 0) return {};
  const mode = ctx.url.searchParams.get('fieldValidation') ?? 'Warn';
  const msgs = d.unknown.map((f) => `unknown field ${JSON.stringify(f)}`);
  const t = ctx.type;
  if (mode === 'Strict') throw badRequest(`${t.kind} in version "${t.version}" cannot be handled as a ${t.kind}: strict decoding error: ${msgs.join(', ')}`);
  if (mode === 'Ignore') return {};
  return { Warning: warningHeader(msgs) };
}

function decode(ctx: HandlerContext, body: Obj): { decoded: Decoded; headers: Record<string, string[]> } {
  ctx.storage.checkTypeMeta(ctx.type, body);
  const decoded = ctx.type.decode(body);
  return { decoded, headers: unknownFieldHeaders(ctx, decoded) };
}

export async function handleCreate(ctx: WriteContext): Promise<void> {
  const body = await readObject(ctx);
  if (ctx.type === TOKEN_REVIEWS) {
    // Never stored, but the field manager has seen the request all the same.
    sendJson(ctx.res, 201, ctx.tokens.review(body, updatedManagedFields(ctx.type, undefined, body, writer(ctx))));
    return;
  }
  const { decoded, headers } = decode(ctx, body);
  const created = await writing(headers, () => ctx.storage.create(ctx.type, ctx.info.namespace, decoded.obj, { dryRun: dryRun(ctx), writer: writer(ctx) }));
  sendJson(ctx.res, 201, encodeJson(ctx.type, created), headers);
}

export async function handleUpdate(ctx: WriteContext): Promise<void> {
  const body = await readObject(ctx);
  const { decoded, headers } = decode(ctx, body);
  const { obj, created } = await writing(headers, () =>
    ctx.storage.update(ctx.type, ctx.info.namespace, ctx.info.name, decoded.obj, { subresource: ctx.info.subresource || undefined, dryRun: dryRun(ctx), writer: writer(ctx) }),
  );
  sendJson(ctx.res, created ? 201 : 200, encodeJson(ctx.type, obj), headers);
}

function applyPatch(type: string, current: Obj, patch: Json): Json {
  try {
    if (type === MERGE_PATCH) return mergePatch(current, patch);
    if (type === STRATEGIC_PATCH) return strategicMergePatch(current, patch);
    return jsonPatch(current, patch);
  } catch (err) {
    if (err instanceof PatchApplyError) {
      // The apiserver wraps jsonpatch's error in NewInvalid-shaped Status without causes.
      throw withEmptyDetails(new ApiError(422, 'Invalid', 'the server rejected our request due to an error in our request'));
    }
    throw badRequest((err as Error).message);
  }
}

export async function handlePatch(ctx: WriteContext): Promise<void> {
  const t = ctx.type;
  const type = mediaType(ctx.req);
  // Custom resources have no Go struct to drive a strategic merge, so the real server refuses it.
  // Server-side apply is not implemented here (see test/README.md).
  const accepted = t.custom ? [JSON_PATCH, MERGE_PATCH] : [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH];
  if (!accepted.includes(type)) {
    const advertised = t.custom ? [JSON_PATCH, MERGE_PATCH, APPLY_PATCH] : [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH];
    throw unsupportedMediaType(advertised);
  }
  const raw = (await readBody(ctx.req)).toString('utf8');
  let patch: Json;
  try {
    patch = parseJsonLikeGo(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
  const existing = ctx.storage.get(t, ctx.info.namespace, ctx.info.name);
  const current = structuredClone(t.encode(existing));
  const patched = applyPatch(type, current, patch);
  if (!isObject(patched)) throw badRequest('patched object is not a JSON object');
  let result: ReturnType<typeof decode>;
  try {
    result = decode(ctx, patched);
  } catch (err) {
    // A patch that leaves a field of the wrong type is refused as an invalid `patch`, showing
    // the patched object as the patcher serialized it.
    if (!(err instanceof DecodeError)) throw err;
    const text = type === MERGE_PATCH ? mergePatchedJson(current, patch) : sortedJson(patched);
    throw invalid('', '', '', [invalidValue('patch', text, err.detail)]);
  }
  const { decoded, headers } = result;
  const { obj } = await writing(headers, () =>
    ctx.storage.update(t, ctx.info.namespace, ctx.info.name, decoded.obj, { subresource: ctx.info.subresource || undefined, dryRun: dryRun(ctx), writer: writer(ctx) }),
  );
  sendJson(ctx.res, 200, encodeJson(t, obj), headers);
}

async function deleteOptions(ctx: HandlerContext): Promise<Obj> {
  const raw = (await readBody(ctx.req)).toString('utf8').trim();
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw);
    return isObject(parsed) ? parsed : {};
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

export async function handleDelete(ctx: WriteContext): Promise<void> {
  const t = ctx.type;
  const opts = await deleteOptions(ctx);
  const isDry = dryRun(ctx) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
  const r = ctx.storage.delete(t, ctx.info.namespace, ctx.info.name, { preconditions: opts.preconditions, dryRun: isDry });
  // The object while finalizers keep it; a Success Status once it is gone (custom resources too).
  if (!r.deleted) {
    sendJson(ctx.res, 200, encodeJson(t, r.obj));
    return;
  }
  const details: Obj = { name: r.obj.metadata.name };
  if (t.group) details.group = t.group;
  details.kind = t.plural;
  details.uid = r.obj.metadata.uid;
  sendJson(ctx.res, 200, successStatus(details));
}

export async function handleDeleteCollection(ctx: WriteContext): Promise<void> {
  const t = ctx.type;
  const opts = await deleteOptions(ctx);
  const isDry = dryRun(ctx) || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
  const sel = parseSelection(ctx);
  const ns = t.namespaced && ctx.info.namespace ? ctx.info.namespace : undefined;
  const items: string[] = [];
  for (const o of [...ctx.storage.store.list(t.storageKey, ns)]) {
    if (!matchesSelection(t, sel, o)) continue;
    items.push(encodeJson(t, ctx.storage.deleteObject(t, o, { dryRun: isDry }).obj));
  }
  sendJson(ctx.res, 200, `{"kind":"${t.listKind}","apiVersion":"${apiVersionOf(t)}","metadata":{"resourceVersion":"${ctx.storage.store.rv}"},"items":[${items.join(',')}]}`);
}
