/**
 * What, besides policy, rule, result and subject, tells two results of one report apart.
 * Policy-report adapters put the check they ran or the event they saw in `properties`: the
 * kube-bench adapter writes the CIS section as `rule` and the check only as `properties.index`;
 * the KubeArmor and Falco adapters append one result per alert, with the process, file and
 * container in `properties`. Leaving those out of the dedup key merged 36 failed CIS checks into
 * 6 findings.
 *
 * So every scalar property identifies the result, except those known to change on every
 * occurrence or evaluation without changing what was found: times, process and container ids,
 * and prose (messages, remediation, command output). An unknown volatile property costs a
 * repeated finding; an identifying property left out would cost a lost one.
 */

/** Property names (lower-cased) that never identify a result. */
const VOLATILE = new Set([
  // prose, evaluation detail and command output (kube-bench adapter, Falco adapter)
  'details',
  'message',
  'description',
  'remediation',
  'test_info',
  'reason',
  'audit',
  'auditconfig',
  'auditenv',
  'actual_value',
  'expected_result',
  'ismultiple',
  'type',
  'output',
  // how Kyverno found it (admission review, background scan): the same finding either way
  'process',
  // the severity is the result's attribute, not its identity (a policy may re-rate a check)
  'severity',
  // per-occurrence ids: processes and containers restart, the finding stays
  'pid',
  'ppid',
  'tid',
  'host_pid',
  'host_ppid',
  'proc.pid',
  'proc.ppid',
  'container_id',
  'container.id',
  'containerid',
])

// Times: updated_time, evt.time, creationTimestamp, detected_at, lastSeen (not runtime, data).
const TIME = /(?:^|[._-])(?:time|timestamp|date|ts)$|[a-z](?:Time|Timestamp|Date)$|timestamp$|_at$|^(?:last|first)_?[Ss]een$/;

/** Property names adapters use for the id of the check they ran, most specific first. */
const CHECK_ID_KEYS = ['index', 'checkID', 'check_id', 'checkId', 'id', 'rule_id', 'ruleID', 'control_id', 'controlID'];

/** Most characters of one property value that go into the key verbatim (dedupKey hashes long parts). */
const MAX_VALUE = 256;

/**
 * Whether a property identifies the result (see the module comment).
 *
 * @example
 * ```ts
 * isIdentifying('index');        // true
 * isIdentifying('updated_time'); // false
 * ```
 */
export function isIdentifying(key: string): boolean {
  return !VOLATILE.has(key.toLowerCase()) && !TIME.test(key);
}

/**
 * The identifying properties of a result as one stable string (`k=v` sorted by key, joined by
 * `,`), or undefined when it has none. Only string, number and boolean values count.
 *
 * @example
 * ```ts
 * identityOf({ index: '1.1.1', reason: 'x', pod_name: 'web' }); // 'index=1.1.1,pod_name=web'
 * ```
 */
export function identityOf(properties: Record<string, unknown> | undefined): string | undefined {
  if (!properties) return undefined;
  const parts: string[] = [];
  for (const key of Object.keys(properties).sort()) {
    const value = properties[key];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    if (value === '' || !isIdentifying(key)) continue;
    parts.push(`${key}=${String(value).slice(0, MAX_VALUE)}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

/**
 * The id of the check a result reports, when an adapter names one in `properties`
 * (kube-bench's `index`, a scanner's `checkID`): it goes into the title.
 *
 * @example
 * ```ts
 * checkIdOf({ index: '1.1.12' }); // '1.1.12'
 * ```
 */
export function checkIdOf(properties: Record<string, unknown> | undefined): string | undefined {
  if (!properties) return undefined;
  for (const key of CHECK_ID_KEYS) {
    const value = properties[key];
    if ((typeof value === 'string' && value.trim() !== '') || typeof value === 'number') return String(value).trim().slice(0, 64);
  }
  return undefined;
}
