/**
 * Kubernetes resource names (the plural in a URL) to kinds and their usual apiVersion. Audit events
 * and Falco alerts carry only the plural; this table covers the built-in resources, and anything else is
 * singularised and capitalised on a best-effort basis (`policyreports` → `Policyreport`).
 */
const KNOWN: ReadonlyMap<string, readonly [kind: string, apiVersion: string]> = new Map([
  ['pods', ['Pod', 'v1']],
  ['services', ['Service', 'v1']],
  ['secrets', ['Secret', 'v1']],
  ['configmaps', ['ConfigMap', 'v1']],
  ['serviceaccounts', ['ServiceAccount', 'v1']],
  ['namespaces', ['Namespace', 'v1']],
  ['nodes', ['Node', 'v1']],
  ['events', ['Event', 'v1']],
  ['endpoints', ['Endpoints', 'v1']],
  ['persistentvolumes', ['PersistentVolume', 'v1']],
  ['persistentvolumeclaims', ['PersistentVolumeClaim', 'v1']],
  ['replicationcontrollers', ['ReplicationController', 'v1']],
  ['resourcequotas', ['ResourceQuota', 'v1']],
  ['limitranges', ['LimitRange', 'v1']],
  ['podtemplates', ['PodTemplate', 'v1']],
  ['deployments', ['Deployment', 'apps/v1']],
  ['daemonsets', ['DaemonSet', 'apps/v1']],
  ['statefulsets', ['StatefulSet', 'apps/v1']],
  ['replicasets', ['ReplicaSet', 'apps/v1']],
  ['jobs', ['Job', 'batch/v1']],
  ['cronjobs', ['CronJob', 'batch/v1']],
  ['roles', ['Role', 'rbac.authorization.k8s.io/v1']],
  ['clusterroles', ['ClusterRole', 'rbac.authorization.k8s.io/v1']],
  ['rolebindings', ['RoleBinding', 'rbac.authorization.k8s.io/v1']],
  ['clusterrolebindings', ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1']],
  ['ingresses', ['Ingress', 'networking.k8s.io/v1']],
  ['networkpolicies', ['NetworkPolicy', 'networking.k8s.io/v1']],
  ['customresourcedefinitions', ['CustomResourceDefinition', 'apiextensions.k8s.io/v1']],
  ['mutatingwebhookconfigurations', ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1']],
  ['validatingwebhookconfigurations', ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1']],
  ['leases', ['Lease', 'coordination.k8s.io/v1']],
  ['certificatesigningrequests', ['CertificateSigningRequest', 'certificates.k8s.io/v1']],
  ['storageclasses', ['StorageClass', 'storage.k8s.io/v1']],
  ['priorityclasses', ['PriorityClass', 'scheduling.k8s.io/v1']],
  ['poddisruptionbudgets', ['PodDisruptionBudget', 'policy/v1']],
  ['horizontalpodautoscalers', ['HorizontalPodAutoscaler', 'autoscaling/v2']],
  ['tokenreviews', ['TokenReview', 'authentication.k8s.io/v1']],
  ['subjectaccessreviews', ['SubjectAccessReview', 'authorization.k8s.io/v1']],
  ['selfsubjectaccessreviews', ['SelfSubjectAccessReview', 'authorization.k8s.io/v1']],
]);

/**
 * The kind (and, for built-in resources, the apiVersion) of a plural resource name.
 *
 * @example
 * ```ts
 * kindOf('clusterrolebindings'); // { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' }
 * kindOf('policyreports');       // { kind: 'Policyreport' }
 * ```
 */
export function kindOf(resource: string): { kind: string; apiVersion?: string } {
  const known = KNOWN.get(resource.toLowerCase());
  if (known) return { kind: known[0], apiVersion: known[1] };
  return { kind: capitalise(singular(resource)) };
}

function singular(plural: string): string {
  if (/ies$/i.test(plural)) return `${plural.slice(0, -3)}y`;
  if (/(?:ss|ch|sh|x)es$/i.test(plural)) return plural.slice(0, -2);
  if (/[^s]s$/i.test(plural)) return plural.slice(0, -1);
  return plural;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
