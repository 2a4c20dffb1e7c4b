import type { ResourceRef } from '@zen-watcher/sdk';
import { asList, asRecord, asText, compact, firstEventTime } from '@zen-watcher/sdk/helpers';

/**
 * Label prefixes naming the scanned workload: Trivy Operator, its predecessor Starboard, and
 * the `imgvuln` fork used by the wg-policy trivy adapter. All three write
 * `<prefix>.resource.{kind,name,namespace}` and `<prefix>.container.name`.
 */
const LABEL_PREFIXES = ['trivy-operator', 'starboard', 'imgvuln'] as const;

/** apiVersion of the kinds Trivy Operator scans, for labels that name only the kind. */
const KIND_API_VERSION: Record<string, string> = {
  Pod: 'v1',
  ReplicationController: 'v1',
  ConfigMap: 'v1',
  Service: 'v1',
  ServiceAccount: 'v1',
  ResourceQuota: 'v1',
  LimitRange: 'v1',
  Node: 'v1',
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  Ingress: 'networking.k8s.io/v1',
};

/**
 * What every finding of one report shares: the affected workload, the container and image
 * scanned, when the scan ran, and which report it came from.
 */
export interface ReportSubject {
  /** The affected resource (the workload the report is about). */
  resource: ResourceRef;
  /** `namespace/Kind/name` of the workload: the part of every dedup key that says "where". */
  resourceKey: string;
  container?: string;
  /** `registry/repository:tag@digest`, when the report names an artifact. */
  image?: string;
  /** The scan time: `report.updateTimestamp`, else the report's creation time. */
  detectedAt?: string;
  scanner?: string;
  /** The report object itself, for `details`. */
  report: { kind?: string; name?: string; namespace?: string };
}

function fromLabels(meta: Record<string, unknown>): { kind: string; name: string; namespace?: string; container?: string } | undefined {
  for (const source of [asRecord(meta.labels), asRecord(meta.annotations)]) {
    if (!source) continue;
    for (const prefix of LABEL_PREFIXES) {
      const kind = asText(source[`${prefix}.resource.kind`]);
      const name = asText(source[`${prefix}.resource.name`]);
      if (kind && name) {
        return {
          kind,
          name,
          namespace: asText(source[`${prefix}.resource.namespace`]),
          container: asText(source[`${prefix}.container.name`]),
        };
      }
    }
  }
  return undefined;
}

function fromOwner(meta: Record<string, unknown>): ResourceRef | undefined {
  const owners = asList(meta.ownerReferences);
  if (owners === 'invalid') return undefined;
  const refs = owners.map(asRecord).filter((o): o is Record<string, unknown> => o !== undefined);
  // The controller owner is the scanned workload; other owners are incidental.
  const owner = refs.find((o) => o.controller === true) ?? refs[0];
  const kind = asText(owner?.kind);
  const name = asText(owner?.name);
  if (!owner || !kind || !name) return undefined;
  return { apiVersion: asText(owner.apiVersion) ?? KIND_API_VERSION[kind], kind, name, uid: asText(owner.uid) };
}

function imageOf(report: Record<string, unknown>): string | undefined {
  const artifact = asRecord(report.artifact);
  const repository = asText(artifact?.repository);
  if (!repository) return undefined;
  const server = asText(asRecord(report.registry)?.server);
  const tag = asText(artifact?.tag);
  const digest = asText(artifact?.digest);
  return `${server ? `${server}/` : ''}${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

// The sdk's ResourceRef limits (Kubernetes' own): a longer value would make every event of the
// report invalid, so an oversized field is cut rather than the report lost.
function bound(ref: ResourceRef): void {
  const limits = { apiVersion: 253, kind: 253, name: 253, namespace: 63, uid: 64 } as const;
  for (const key of Object.keys(limits) as (keyof typeof limits)[]) {
    const value = ref[key];
    if (value === undefined) delete ref[key];
    else if (value.length > limits[key]) ref[key] = value.slice(0, limits[key]);
  }
}

/**
 * Reads the shared context of a Trivy report. The workload comes from the operator's labels
 * (or annotations, which it uses when a name is too long for a label), else from the
 * controller ownerReference, else the report itself is the affected resource. Returns
 * undefined when the report names nothing at all.
 *
 * @example
 * ```ts
 * const subject = readSubject(obj, report);
 * subject?.resource; // { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'nginx-6d4cf56db6', namespace: 'default' }
 * ```
 */
export function readSubject(obj: Record<string, unknown>, report: Record<string, unknown>): ReportSubject | undefined {
  const meta = asRecord(obj.metadata) ?? {};
  const reportName = asText(meta.name);
  const reportNamespace = asText(meta.namespace);
  const reportKind = asText(obj.kind);

  let resource: ResourceRef | undefined;
  let container: string | undefined;
  const labelled = fromLabels(meta);
  if (labelled) {
    // Labels do not carry the uid; the owner reference does when it is the same object.
    const owner = fromOwner(meta);
    const sameOwner = owner && owner.kind === labelled.kind && owner.name === labelled.name;
    resource = {
      apiVersion: sameOwner ? owner.apiVersion : KIND_API_VERSION[labelled.kind],
      kind: labelled.kind,
      name: labelled.name,
      namespace: labelled.namespace ?? reportNamespace,
      uid: sameOwner ? owner.uid : undefined,
    };
    container = labelled.container;
  } else {
    const owner = fromOwner(meta);
    if (owner) resource = { ...owner, namespace: reportNamespace };
    else if (reportName) {
      resource = { apiVersion: asText(obj.apiVersion), kind: reportKind, name: reportName, namespace: reportNamespace };
    }
  }
  if (!resource) return undefined;
  bound(resource);

  const scanner = asRecord(report.scanner);
  const scannerName = [asText(scanner?.name), asText(scanner?.version)].filter(Boolean).join(' ');
  return compact({
    resource,
    resourceKey: `${resource.namespace ?? ''}/${resource.kind ?? ''}/${resource.name ?? ''}`,
    container,
    image: imageOf(report),
    detectedAt: firstEventTime(report.updateTimestamp, meta.creationTimestamp),
    scanner: scannerName || undefined,
    report: compact({ kind: reportKind, name: reportName, namespace: reportNamespace }),
  });
}
