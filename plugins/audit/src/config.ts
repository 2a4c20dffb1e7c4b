import Type, { type Static } from 'typebox';
import { SEVERITIES } from '@zen-watcher/sdk';

/**
 * Control-plane identities whose routine work (controllers garbage-collecting pods, kubelets
 * reading the Secrets of their pods, the API server reconciling its own roles) would otherwise
 * be most of what the noisy rules report. Matched against the authenticated user of requests
 * without impersonation, so an admin impersonating one of them is still reported.
 *
 * @example
 * ```ts
 * CONTROL_PLANE_USERS.includes('system:node:*'); // true
 * ```
 */
export const CONTROL_PLANE_USERS: readonly string[] = [
  'system:apiserver',
  'system:kube-controller-manager',
  'system:kube-scheduler',
  'system:node:*',
  'system:serviceaccount:kube-system:*',
];

function rule(description: string, ignoreUsers: readonly string[]) {
  return Type.Object(
    {
      enabled: Type.Boolean({ default: true, description: 'Report requests that match this rule.' }),
      severity: Type.Optional(Type.Union(SEVERITIES.map((v) => Type.Literal(v)), { description: "Overrides the rule's own severity for every match." })),
      ignoreUsers: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        default: [...ignoreUsers],
        maxItems: 256,
        description: 'Usernames this rule never reports; a trailing or inner * matches any characters.',
      }),
    },
    { default: {}, additionalProperties: false, description },
  );
}

/**
 * The detection rules, each `{ enabled, severity?, ignoreUsers }`.
 *
 * @example
 * ```ts
 * const rules: AuditConfig['rules'] = { ...defaults, deletion: { enabled: false, ignoreUsers: [] } };
 * ```
 */
export const RulesSchema = Type.Object(
  {
    privilegedPod: rule('Pods (or workload templates) created or changed with a privileged container, hostNetwork, hostPID or hostIPC. high. Needs level Request or RequestResponse.', []),
    rbacChange: rule('Roles, ClusterRoles and their bindings created, changed or deleted. medium; high when cluster-admin or a full wildcard rule is involved.', ['system:apiserver']),
    podExec: rule('exec, attach and port-forward into pods. medium.', []),
    secretRead: rule('get, list and watch of Secrets. medium.', CONTROL_PLANE_USERS),
    secretWrite: rule('Secrets created, updated or patched. medium.', CONTROL_PLANE_USERS),
    configMapWrite: rule('ConfigMaps created, updated or patched. low.', CONTROL_PLANE_USERS),
    deletion: rule('Objects deleted. low; medium for namespaces, nodes, persistent volumes, CRDs and admission webhooks.', CONTROL_PLANE_USERS),
    anonymous: rule('Requests by system:anonymous (health and version probes excepted). low when refused, high when allowed on a resource.', []),
    denied: rule('Requests refused with 401 or 403 (anonymous ones are left to the anonymous rule). low.', []),
  },
  { default: {}, additionalProperties: false },
);

/**
 * Configuration of the audit source (`spec.config` of an Ingester). Unknown keys are errors.
 *
 * @example
 * ```ts
 * // spec.config: { rules: { configMapWrite: { enabled: false }, secretRead: { severity: high } } }
 * ```
 */
export const AuditConfigSchema = Type.Object({ rules: RulesSchema }, { additionalProperties: false });

/**
 * The resolved audit configuration (defaults applied).
 *
 * @example
 * ```ts
 * function on(c: AuditConfig) { return c.rules.secretRead.enabled; }
 * ```
 */
export type AuditConfig = Static<typeof AuditConfigSchema>;

/**
 * The name of one rule.
 *
 * @example
 * ```ts
 * const r: RuleName = 'secretRead';
 * ```
 */
export type RuleName = keyof AuditConfig['rules'];

/**
 * One rule's settings.
 *
 * @example
 * ```ts
 * const s: RuleSettings = { enabled: true, ignoreUsers: [] };
 * ```
 */
export type RuleSettings = AuditConfig['rules'][RuleName];
