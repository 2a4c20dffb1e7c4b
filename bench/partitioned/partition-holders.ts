// Who holds which partition, read from the partition Leases in the test API server's store (as
// test/cluster/partitioned.test.ts reads them through the API, without a request here), and the
// partition of a namespace as the host computes it.
import { bucketOf, partitionOfBucket } from '../../core/src/cluster/partitions/partitioning.ts';
import type { KubeApi } from '../../test/kube-api/server.ts';

const LEASES = 'coordination.k8s.io/leases';

export const partitionOf = (namespace: string, partitions: number) => partitionOfBucket(bucketOf(namespace, undefined), partitions);

const isPartitionLease = (l: { metadata?: { labels?: Record<string, string> } }, electionId: string) =>
  l.metadata?.labels?.['zen.kube-zen.io/lease-set'] === electionId && l.metadata?.labels?.['zen.kube-zen.io/lease-role'] === 'partition';

/** The lease duration the pods write on their partition Leases, s (undefined before the first). */
export function leaseDurationOf(api: KubeApi, namespace: string, electionId: string): number | undefined {
  return api.store.list(LEASES, namespace).find((l) => isPartitionLease(l, electionId) && l.spec?.leaseDurationSeconds)?.spec.leaseDurationSeconds;
}

/** Partition → holder, for the Leases of `electionId` with a holder renewed within the lease. */
export function partitionHolders(api: KubeApi, namespace: string, electionId: string, leaseMs: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of api.store.list(LEASES, namespace)) {
    if (!isPartitionLease(l, electionId)) continue;
    const name: string = l.metadata.name;
    const renewed = l.spec?.renewTime ? Date.parse(l.spec.renewTime) : 0;
    if (l.spec?.holderIdentity && Date.now() - renewed < leaseMs) out.set(Number(name.slice(name.lastIndexOf('-p') + 2)), l.spec.holderIdentity);
  }
  return out;
}

/** Whether every partition is held by one of `members`, their shares within one of each other. */
export function balanced(holders: Map<number, string>, members: readonly string[], partitions: number): boolean {
  if (holders.size !== partitions || [...holders.values()].some((h) => !members.includes(h))) return false;
  const counts = members.map((m) => [...holders.values()].filter((h) => h === m).length);
  return Math.max(...counts) - Math.min(...counts) <= 1;
}
