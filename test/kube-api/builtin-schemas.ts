// Just enough of the Go types of the built-in resources to behave like their decoder: fields
// the Go struct lacks are dropped (with an `unknown field` warning), a value of the wrong JSON
// type is a 400 "cannot be handled as" error, and metav1.Time / MicroTime are parsed and
// re-rendered the way their MarshalJSON does (UTC, seconds or exactly six fractional digits).
import type { JSONSchemaProps } from './crd-schema.ts';
import { isObject } from './patch.ts';
import { ApiError } from './status.ts';

type S = JSONSchemaProps;

const str: S = { type: 'string' };
const int: S = { type: 'integer', format: 'int32' };
const int64: S = { type: 'integer', format: 'int64' };
const bool: S = { type: 'boolean' };
const time: S = { type: 'string', format: 'k8s-time' };
const microTime: S = { type: 'string', format: 'k8s-micro-time' };
const any: S = { 'x-kubernetes-preserve-unknown-fields': true };
const mapOf = (v: S): S => ({ type: 'object', additionalProperties: v });
const arr = (items: S): S => ({ type: 'array', items });
// `x-go-type` names the Go struct, for decode errors ("Go struct field LeaseSpec.spec.x").
const obj = (goType: string, properties: Record<string, S>): S => ({ type: 'object', properties, 'x-go-type': goType });

const ownerReference = obj('OwnerReference', { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool });
const managedFieldsEntry = obj('ManagedFieldsEntry', { manager: str, operation: str, apiVersion: str, time, fieldsType: str, fieldsV1: any, subresource: str });

export const OBJECT_META: S = obj('ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  uid: str,
  resourceVersion: str,
  generation: int64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: int64,
  labels: mapOf(str),
  annotations: mapOf(str),
  ownerReferences: arr(ownerReference),
  finalizers: arr(str),
  managedFields: arr(managedFieldsEntry),
});

const objectReference = obj('ObjectReference', { kind: str, namespace: str, name: str, uid: str, apiVersion: str, resourceVersion: str, fieldPath: str });
const eventSeries = obj('EventSeries', { count: int, lastObservedTime: microTime });
const condition = obj('NamespaceCondition', { type: str, status: str, lastTransitionTime: time, reason: str, message: str });

const typeMeta = { apiVersion: str, kind: str, metadata: OBJECT_META };

export const BUILTIN_SCHEMAS: Record<string, S> = {
  ConfigMap: obj('ConfigMap', { ...typeMeta, data: mapOf(str), binaryData: mapOf(str), immutable: bool }),
  Secret: obj('Secret', { ...typeMeta, data: mapOf(str), stringData: mapOf(str), type: str, immutable: bool }),
  Namespace: obj('Namespace', { ...typeMeta, spec: obj('NamespaceSpec', { finalizers: arr(str) }), status: obj('NamespaceStatus', { phase: str, conditions: arr(condition) }) }),
  Lease: obj('Lease', {
    ...typeMeta,
    spec: obj('LeaseSpec', {
      holderIdentity: str,
      leaseDurationSeconds: int,
      acquireTime: microTime,
      renewTime: microTime,
      leaseTransitions: int,
      strategy: str,
      preferredHolder: str,
    }),
  }),
  Event: obj('Event', {
    ...typeMeta,
    involvedObject: objectReference,
    reason: str,
    message: str,
    source: obj('EventSource', { component: str, host: str }),
    firstTimestamp: time,
    lastTimestamp: time,
    count: int,
    type: str,
    eventTime: microTime,
    series: eventSeries,
    action: str,
    related: objectReference,
    reportingComponent: str,
    reportingInstance: str,
  }),
  'events.k8s.io/Event': obj('Event', {
    ...typeMeta,
    eventTime: microTime,
    series: eventSeries,
    reportingController: str,
    reportingInstance: str,
    action: str,
    reason: str,
    regarding: objectReference,
    related: objectReference,
    note: str,
    type: str,
    deprecatedSource: obj('EventSource', { component: str, host: str }),
    deprecatedFirstTimestamp: time,
    deprecatedLastTimestamp: time,
    deprecatedCount: int,
  }),
  CustomResourceDefinition: obj('CustomResourceDefinition', { ...typeMeta, spec: any, status: any }),
  TokenReview: obj('TokenReview', { ...typeMeta, spec: obj('TokenReviewSpec', { token: str, audiences: arr(str) }), status: any }),
};

/** The Go type a schema stands for, as encoding/json names it in errors. */
function goType(schema: S): string {
  if (schema['x-go-type']) return `v1.${schema['x-go-type'] as string}`;
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
      return schema.format ?? 'int32';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${schema.items ? goType(schema.items) : 'interface {}'}`;
    case 'object':
      return isObject(schema.additionalProperties) ? `map[string]${goType(schema.additionalProperties)}` : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RFC3339_MICRO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})(Z|[+-]\d{2}:\d{2})$/;

function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

function toUtc(m: RegExpExecArray, zone: string): Date {
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return new Date(ms - zoneOffsetMinutes(zone) * 60_000);
}

/** metav1.Time: RFC 3339 in, UTC whole seconds out (fractions are accepted and dropped). */
export function normalizeTime(value: string): string {
  const m = RFC3339.exec(value);
  if (!m) throw new Error(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`);
  return toUtc(m, m[8]).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: exactly six fractional digits in, UTC with six digits out. */
export function normalizeMicroTime(value: string): string {
  const m = RFC3339_MICRO.exec(value);
  if (!m) {
    // time.Parse takes exactly ".dddddd" for the fraction, then wants the zone.
    const frac = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(.*)$/.exec(value);
    const rest = frac ? frac[1] : value;
    const [text, element] = /^\.\d{6}/.test(rest) ? [rest.slice(7), 'Z07:00'] : [rest, '.000000'];
    throw new Error(`parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse ${JSON.stringify(text)} as "${element}"`);
  }
  const utc = toUtc(m, m[8]);
  return utc.toISOString().replace(/\.\d{3}Z$/, `.${m[7]}Z`);
}

/**
 * Decodes a built-in object the way its typed Go decoder would: mutates `value`, returns the
 * dropped field paths, throws a 400 ApiError for a type or time-format mismatch.
 */
export function decodeBuiltin(value: unknown, schema: S, kindLabel: string, path = ''): string[] {
  const dropped: string[] = [];
  const at: GoContext = { struct: String(schema['x-go-type'] ?? ''), field: '' };
  walk(value, schema, path, dropped, kindLabel, path ? { struct: 'ObjectMeta', field: path } : at);
  return dropped;
}

/** A body the typed decoder cannot take: 400 "<Kind> ... cannot be handled as a <Kind>: <detail>". */
export class DecodeError extends ApiError {
  readonly detail: string;

  constructor(kindLabel: string, detail: string) {
    super(400, 'BadRequest', `${kindLabel}: ${detail}`);
    this.detail = detail;
  }
}

function decodeError(kindLabel: string, detail: string): Error {
  return new DecodeError(kindLabel, detail);
}

/** Go's encoder writes struct fields in declaration order: put them in the schema's order. */
function inGoOrder(value: Record<string, unknown>, schema: S): void {
  const order = Object.keys(schema.properties ?? {});
  const entries = Object.entries(value).sort(([a], [b]) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  });
  for (const [k] of entries) delete value[k];
  for (const [k, v] of entries) value[k] = v;
}

/** encoding/json's error context: the struct being filled and the field names leading there. */
interface GoContext {
  struct: string;
  field: string;
}

function walk(value: unknown, schema: S, path: string, dropped: string[], kindLabel: string, at: GoContext): unknown {
  if (value === null) return value;
  if (schema['x-kubernetes-preserve-unknown-fields'] && !schema.properties) return value;
  const t = schema.type;
  const k = jsonKind(value);
  const expected = t === 'integer' ? 'number' : t;
  const where = `Go struct field ${at.struct}.${at.field}`;
  if (expected && k !== expected) {
    throw decodeError(kindLabel, `json: cannot unmarshal ${k} into ${where} of type ${goType(schema)}`);
  }
  if (t === 'integer' && !Number.isInteger(value)) {
    throw decodeError(kindLabel, `json: cannot unmarshal number ${String(value)} into ${where} of type ${schema.format ?? 'int32'}`);
  }
  if (schema.format === 'k8s-time' || schema.format === 'k8s-micro-time') {
    try {
      return schema.format === 'k8s-time' ? normalizeTime(value as string) : normalizeMicroTime(value as string);
    } catch (err) {
      throw decodeError(kindLabel, (err as Error).message);
    }
  }
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], schema.items, `${path}[${i}]`, dropped, kindLabel, at);
  } else if (isObject(value)) {
    const struct = schema['x-go-type'] as string | undefined;
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      // Go decodes null into a typed field as its zero value, which is then omitted.
      if (value[key] === null) {
        delete value[key];
        continue;
      }
      const sub = schema.properties?.[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      // Struct fields extend the error path; map values keep the map's.
      const next = struct ? { struct, field: at.field ? `${at.field}.${key}` : key } : at;
      if (sub) value[key] = walk(value[key], sub, child, dropped, kindLabel, next);
      else if (!schema['x-kubernetes-preserve-unknown-fields']) {
        delete value[key];
        dropped.push(child);
      }
    }
    if (struct) inGoOrder(value, schema);
  }
  return value;
}
