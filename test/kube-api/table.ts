// Server-side printing (meta.k8s.io/v1 Table) for `kubectl get`: the built-in types' main
// columns and a CRD's additionalPrinterColumns, so `kubectl get obs` shows what it would show
// on a cluster. Watches are not served as Tables.
import { simpleJsonPath } from './crd-types.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { CRDS } from './resource-types.ts';
import type { Store } from './store.ts';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  priority: number;
  cell(o: Obj): unknown;
}

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function age(ts: unknown): string {
  if (typeof ts !== 'string') return '<unknown>';
  return humanDuration(Date.now() - Date.parse(ts));
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
  cell: (o) => o.metadata.name,
};

const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o) => age(o.metadata.creationTimestamp),
};

const count = (o: Obj, ...fields: string[]): number => fields.reduce((n, f) => n + Object.keys(o[f] ?? {}).length, 0);

const BUILTIN_COLUMNS: Record<string, Column[]> = {
  ConfigMap: [NAME, { name: 'Data', type: 'string', description: 'Data contains the configuration data.', priority: 0, cell: (o) => count(o, 'data', 'binaryData') }, AGE],
  Secret: [
    NAME,
    { name: 'Type', type: 'string', description: 'Used to facilitate programmatic handling of secret data.', priority: 0, cell: (o) => o.type },
    { name: 'Data', type: 'string', description: 'Data contains the secret data.', priority: 0, cell: (o) => count(o, 'data') },
    AGE,
  ],
  Namespace: [NAME, { name: 'Status', type: 'string', description: 'The status of the namespace', priority: 0, cell: (o) => o.status?.phase ?? '' }, AGE],
  Lease: [NAME, { name: 'Holder', type: 'string', description: 'HolderIdentity contains the identity of the holder of a current lease.', priority: 0, cell: (o) => o.spec?.holderIdentity ?? '' }, AGE],
  CustomResourceDefinition: [
    NAME,
    { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, cell: (o) => o.metadata.creationTimestamp },
  ],
};

function crColumns(store: Store, t: ResourceType): Column[] {
  const crd = t.crdName ? store.get(CRDS.storageKey, '', t.crdName) : undefined;
  const v = (crd?.spec?.versions ?? []).find((x: Obj) => x.name === t.version);
  const defs: Obj[] = v?.additionalPrinterColumns ?? [];
  if (defs.length === 0) return [NAME, AGE];
  return [
    NAME,
    ...defs.map((d) => ({
      name: d.name,
      type: d.type,
      format: d.format ?? '',
      description: d.description || `Custom resource definition column (in JSONPath format): ${d.jsonPath}`,
      priority: d.priority ?? 0,
      cell: (o: Obj) => {
        const val = simpleJsonPath(o, d.jsonPath);
        if (val === undefined || val === null) return null;
        if (d.type === 'date') return age(val);
        if (d.type === 'string') return typeof val === 'string' ? val : JSON.stringify(val);
        return val;
      },
    })),
  ];
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(store: Store, t: ResourceType, objects: Obj[], listMeta: Obj, includeObject: string | null): object {
  const cols = t.custom ? crColumns(store, t) : (BUILTIN_COLUMNS[t.kind] ?? [NAME, AGE]);
  const rows = objects.map((o) => {
    const row: Obj = { cells: cols.map((c) => c.cell(t.encode(o))) };
    if (includeObject === 'Object') row.object = t.encode(o);
    else if (includeObject !== 'None') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    return row;
  });
  const columnDefinitions = cols.map(({ cell: _cell, ...def }) => def);
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions, rows };
}
