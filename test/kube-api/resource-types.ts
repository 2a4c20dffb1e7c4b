// What the server knows about each served resource: names for discovery and messages, and the
// registry strategy of the real type (generation, status subresource, create-on-update,
// unconditional update) plus its decoder and validation.
import { BUILTIN_SCHEMAS, DecodeError, decodeBuiltin } from './builtin-schemas.ts';
import type { JSONSchemaProps } from './crd-schema.ts';
import { defaultCrd, initialCrdStatus, validateCrd } from './crd-types.ts';
import { coreEventDefaults, coreEventFieldLabels, coreToEventsV1, eventsV1FieldLabels, eventsV1ToCore, validateEvent } from './events.ts';
import type { FieldError } from './field-errors.ts';
import { forbiddenField, invalidValue, required, tooLong } from './field-errors.ts';
import type { NameRule } from './object-meta.ts';
import { storageVersionHash } from './discovery.ts';
import { deepEqual } from './patch.ts';

export type Obj = Record<string, any>;

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface Decoded {
  obj: Obj;
  /** Paths of fields the type does not have; dropped, reported as warnings (or 400 when Strict). */
  unknown: string[];
}

export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served (and listed in discovery): 'status', 'finalize'. */
  subresources: string[];
  /** Objects of types with the same storageKey are one resource (core and events.k8s.io Events). */
  storageKey: string;
  /** etcd key prefix, which the apiserver leaks into precondition error messages. */
  etcdPrefix: string;
  custom: boolean;
  nameRule: NameRule;
  /** metadata.generation is maintained (set to 1, bumped on non-metadata/non-status changes). */
  generation: boolean;
  statusSubresource: boolean;
  allowCreateOnUpdate: boolean;
  allowUnconditionalUpdate: boolean;
  /** Request body (this version's shape) to storage shape; throws ApiError 400 for undecodable input. */
  decode(body: Obj): Decoded;
  /** Stored object to this version's shape, with apiVersion and kind. Must not mutate. */
  encode(stored: Obj): Obj;
  fieldLabels(stored: Obj): Record<string, string>;
  prepareForCreate?(obj: Obj): void;
  prepareForUpdate?(obj: Obj, old: Obj): void;
  validate?(obj: Obj, old: Obj | undefined, subresource?: string): FieldError[];
  /** Finalizers beyond metadata.finalizers that keep a deleted object (Namespace spec.finalizers). */
  extraFinalizers?(obj: Obj): string[];
  /** The object's schema in this version (Go type or CRD schema), for the field manager. */
  schema?: JSONSchemaProps;
  /** Discovery's storageVersionHash (absent for resources that are never stored). */
  storageVersionHash?: string;
  /** Group that names the kind in 422 messages when it is not `group` (events.k8s.io shares core's strategy). */
  errorGroup?: string;
  /** CRD-backed types: every version the CRD serves. */
  servedVersions?: string[];
  /** CRD-backed types: the CRD's name, for lifecycle checks. */
  crdName?: string;
}

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

function metaFieldLabels(o: Obj): Record<string, string> {
  return { 'metadata.name': o.metadata?.name ?? '', 'metadata.namespace': o.metadata?.namespace ?? '' };
}

interface BuiltinSpec extends Partial<ResourceType> {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

function builtin(spec: BuiltinSpec): ResourceType {
  const apiVersion = apiVersionOf(spec);
  const schema = BUILTIN_SCHEMAS[spec.group === 'events.k8s.io' ? 'events.k8s.io/Event' : spec.kind];
  const label = `${spec.kind} in version "${spec.version}" cannot be handled as a ${spec.kind}`;
  return {
    singular: spec.kind.toLowerCase(),
    listKind: `${spec.kind}List`,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    storageKey: spec.group ? `${spec.group}/${spec.plural}` : spec.plural,
    etcdPrefix: `/registry/${spec.plural}`,
    custom: false,
    nameRule: 'subdomain',
    generation: false,
    statusSubresource: false,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: true,
    decode(body) {
      const obj = { ...body, apiVersion, kind: spec.kind };
      return { obj, unknown: decodeBuiltin(obj, schema, label) };
    },
    encode: (stored) => stored,
    fieldLabels: metaFieldLabels,
    storageVersionHash: storageVersionHash(spec.group, spec.version, spec.kind),
    schema,
    ...spec,
  };
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const MAX_CONFIG_SIZE = 1024 * 1024;

function validateConfigKeys(obj: Obj, fields: string[]): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const f of fields) {
    for (const [k, v] of Object.entries((obj[f] ?? {}) as Record<string, string>)) {
      if (!CONFIG_KEY.test(k) || k.length > 253) {
        errs.push(invalidValue(`${f}[${k}]`, k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
      }
      size += k.length + v.length;
    }
  }
  if (fields.length === 2) {
    for (const k of Object.keys(obj.data ?? {})) {
      if (k in (obj.binaryData ?? {})) errs.push(invalidValue(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    }
  }
  if (size > MAX_CONFIG_SIZE) errs.push(tooLong('', '', MAX_CONFIG_SIZE));
  return errs;
}

function validateImmutable(obj: Obj, old: Obj | undefined, fields: string[]): FieldError[] {
  if (!old?.immutable) return [];
  const errs: FieldError[] = [];
  if (!obj.immutable) errs.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(obj[f] ?? {}, old[f] ?? {})) errs.push(forbiddenField(f, 'field is immutable when `immutable` is set'));
  return errs;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** ValidateSecret's per-type rules: the keys each well-known Secret type must carry. */
function validateSecretType(obj: Obj): FieldError[] {
  const data: Record<string, string> = obj.data ?? {};
  const has = (k: string) => k in data;
  const need = (...keys: string[]) => keys.filter((k) => !has(k)).map((k) => required(`data[${k}]`));
  switch (obj.type) {
    case 'kubernetes.io/tls':
      return need('tls.crt', 'tls.key');
    case 'kubernetes.io/ssh-auth':
      return data['ssh-privatekey'] ? [] : [required('data[ssh-privatekey]')];
    case 'kubernetes.io/dockercfg':
      return need('.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return need('.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : need('username', 'password');
    case 'kubernetes.io/service-account-token':
      return obj.metadata?.annotations?.['kubernetes.io/service-account.name'] ? [] : [required('metadata.annotations[kubernetes.io/service-account.name]')];
    default:
      return [];
  }
}

export const CONFIGMAPS = builtin({
  group: '',
  version: 'v1',
  plural: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
  shortNames: ['cm'],
  validate: (obj, old) => [...validateConfigKeys(obj, ['data', 'binaryData']), ...validateImmutable(obj, old, ['data', 'binaryData'])],
});

export const SECRETS = builtin({
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
  fieldLabels: (o) => ({ ...metaFieldLabels(o), type: o.type ?? '' }),
  prepareForCreate(obj) {
    obj.type ??= 'Opaque';
  },
  validate(obj, old) {
    const errs = [...validateConfigKeys(obj, ['data']), ...validateImmutable(obj, old, ['data']), ...validateSecretType(obj)];
    if (old && obj.type !== old.type) errs.push(invalidValue('type', obj.type, 'field is immutable'));
    return errs;
  },
});
// stringData is write-only: merged into data (base64) by the decoder, as the Secret conversion does.
const decodeSecretBody = SECRETS.decode;
SECRETS.decode = (body) => {
  const d = decodeSecretBody(body);
  for (const [k, v] of Object.entries((d.obj.data ?? {}) as Record<string, string>)) {
    if (!BASE64.test(v) || v.length % 4 !== 0) throw new DecodeError('Secret in version "v1" cannot be handled as a Secret', `illegal base64 data at input byte ${Math.max(0, v.search(/[^A-Za-z0-9+/=]/))}`);
  }
  // SetDefaults_Secret runs on every decode (create and update alike): no type means Opaque.
  if (!d.obj.type) d.obj.type = 'Opaque';
  if (d.obj.stringData) {
    d.obj.data = { ...(d.obj.data ?? {}) };
    for (const [k, v] of Object.entries(d.obj.stringData as Record<string, string>)) d.obj.data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete d.obj.stringData;
  }
  return d;
};

export const NAMESPACES = builtin({
  group: '',
  version: 'v1',
  plural: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status', 'finalize'],
  nameRule: 'label',
  statusSubresource: true,
  extraFinalizers: (o) => o.spec?.finalizers ?? [],
  fieldLabels: (o) => ({ 'metadata.name': o.metadata?.name ?? '', name: o.metadata?.name ?? '', 'status.phase': o.status?.phase ?? '' }),
  prepareForCreate(obj) {
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  },
  prepareForUpdate(obj, old) {
    // Spec finalizers change only through /finalize and status only through /status.
    obj.spec = old.spec;
    obj.status = old.status;
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  },
});

export const LEASES = builtin({
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
  etcdPrefix: '/registry/leases',
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
  validate(obj) {
    const errs: FieldError[] = [];
    const spec = obj.spec ?? {};
    if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) errs.push(invalidValue('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
    if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) errs.push(invalidValue('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
    return errs;
  },
});

export const CORE_EVENTS = builtin({
  group: '',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
  shortNames: ['ev'],
  storageKey: 'events',
  nameRule: 'path',
  allowCreateOnUpdate: true,
  fieldLabels: coreEventFieldLabels,
  prepareForCreate: coreEventDefaults,
  validate: (obj) => validateEvent(obj, false),
});

const eventsV1Label = 'Event in version "v1" cannot be handled as a Event';
export const EVENTS_V1 = builtin({
  group: 'events.k8s.io',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
  shortNames: ['ev'],
  storageKey: 'events',
  etcdPrefix: '/registry/events',
  allowCreateOnUpdate: true,
  storageVersionHash: storageVersionHash('', 'v1', 'Event'),
  decode(body) {
    const copy = { ...body, apiVersion: 'events.k8s.io/v1', kind: 'Event' };
    const unknown = decodeBuiltin(copy, BUILTIN_SCHEMAS['events.k8s.io/Event'], eventsV1Label);
    return { obj: eventsV1ToCore(copy), unknown };
  },
  encode: coreToEventsV1,
  errorGroup: '',
  fieldLabels: eventsV1FieldLabels,
  prepareForCreate: coreEventDefaults,
  validate: (obj, old) => validateEvent(obj, old === undefined),
});

export const CRDS = builtin({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  subresources: ['status'],
  etcdPrefix: '/registry/apiextensions.k8s.io/customresourcedefinitions',
  generation: true,
  statusSubresource: true,
  allowUnconditionalUpdate: false,
  fieldLabels: (o) => ({ 'metadata.name': o.metadata?.name ?? '' }),
  prepareForCreate(obj) {
    defaultCrd(obj);
    obj.status = initialCrdStatus(obj);
  },
  prepareForUpdate: (obj) => defaultCrd(obj),
  validate: validateCrd,
});

export const TOKEN_REVIEWS = builtin({
  group: 'authentication.k8s.io',
  version: 'v1',
  plural: 'tokenreviews',
  kind: 'TokenReview',
  namespaced: false,
  verbs: ['create'],
  storageVersionHash: undefined,
});

export const BUILTIN_TYPES: ResourceType[] = [NAMESPACES, CONFIGMAPS, SECRETS, CORE_EVENTS, EVENTS_V1, LEASES, CRDS, TOKEN_REVIEWS];
