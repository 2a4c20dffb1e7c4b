// Request bodies in application/vnd.kubernetes.protobuf, for the built-in types kubectl's typed
// generators send that way (`kubectl create namespace|configmap|secret`). The envelope is the
// magic "k8s\0" and a runtime.Unknown {typeMeta, raw}; raw is the object's generated.proto
// message. Only the fields of Namespace, ConfigMap and Secret (and ObjectMeta) are known here;
// answers stay JSON, which kubectl accepts as well.
import { badRequest } from './status.ts';

type Obj = Record<string, any>;
type FieldType = 'string' | 'int' | 'bool' | 'bytes' | 'time' | 'strings' | 'stringMap' | 'bytesMap' | { message: Message } | { repeated: Message };
type Message = Record<number, [string, FieldType]>;

const OWNER_REFERENCE: Message = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };
const OBJECT_META: Message = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  8: ['creationTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'],
  11: ['labels', 'stringMap'],
  12: ['annotations', 'stringMap'],
  13: ['ownerReferences', { repeated: OWNER_REFERENCE }],
  14: ['finalizers', 'strings'],
};

export const PROTOBUF_TYPES: Record<string, Message> = {
  Namespace: { 1: ['metadata', { message: OBJECT_META }], 2: ['spec', { message: { 1: ['finalizers', 'strings'] } }], 3: ['status', { message: { 1: ['phase', 'string'] } }] },
  ConfigMap: { 1: ['metadata', { message: OBJECT_META }], 2: ['data', 'stringMap'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  Secret: { 1: ['metadata', { message: OBJECT_META }], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'stringMap'], 5: ['immutable', 'bool'] },
};

const UNKNOWN: Message = { 1: ['typeMeta', { message: { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } }], 2: ['raw', 'bytes'] };
const TIME: Message = { 1: ['seconds', 'int'], 2: ['nanos', 'int'] };
const ENTRY_STRING: Message = { 1: ['key', 'string'], 2: ['value', 'string'] };
const ENTRY_BYTES: Message = { 1: ['key', 'string'], 2: ['value', 'bytes'] };

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  }
  bytes(): Buffer {
    const n = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function decodeMessage(buf: Buffer, fields: Message): Obj {
  const r = new Reader(buf);
  const out: Obj = {};
  while (r.pos < buf.length) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    const spec = fields[field];
    if (wire === 0) {
      const v = r.varint();
      if (spec) out[spec[0]] = spec[1] === 'bool' ? v !== 0 : v;
    } else if (wire === 2) {
      const b = r.bytes();
      if (spec) put(out, spec[0], spec[1], b);
    } else if (wire === 1) r.pos += 8;
    else if (wire === 5) r.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function put(out: Obj, name: string, type: FieldType, b: Buffer): void {
  if (type === 'string') out[name] = b.toString('utf8');
  else if (type === 'bytes') out[name] = b;
  else if (type === 'strings') (out[name] ??= []).push(b.toString('utf8'));
  else if (type === 'time') {
    const t = decodeMessage(b, TIME);
    out[name] = new Date((t.seconds ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } else if (type === 'stringMap' || type === 'bytesMap') {
    const e = decodeMessage(b, type === 'stringMap' ? ENTRY_STRING : ENTRY_BYTES);
    (out[name] ??= {})[e.key ?? ''] = type === 'stringMap' ? (e.value ?? '') : (e.value ?? Buffer.alloc(0)).toString('base64');
  } else if (typeof type === 'object' && 'message' in type) out[name] = decodeMessage(b, type.message);
  else if (typeof type === 'object' && 'repeated' in type) (out[name] ??= []).push(decodeMessage(b, type.repeated));
}

/** A protobuf request body as the JSON object it stands for; 400 for what cannot be read. */
export function decodeProtobufObject(body: Buffer, expectedKind: string): Obj {
  const fields = PROTOBUF_TYPES[expectedKind];
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\u0000' || !fields) throw badRequest('provided object is not a protobuf-encoded Kubernetes object');
  try {
    const unknown = decodeMessage(body.subarray(4), UNKNOWN);
    return { apiVersion: unknown.typeMeta?.apiVersion, kind: unknown.typeMeta?.kind, ...decodeMessage(unknown.raw ?? Buffer.alloc(0), fields) };
  } catch (err) {
    throw badRequest(`${expectedKind} in version "v1" cannot be handled as a ${expectedKind}: ${(err as Error).message}`);
  }
}
