import type { Category, Severity } from '@zen-watcher/sdk';
import type { EventRule, K8sEventsConfig } from './config.js';

/**
 * The built-in classification, tried after the Ingester's own rules. Severities follow what an
 * on-call engineer would do with the event: a crash loop, an OOM kill, an eviction or a failed
 * Job is `high`; something that blocks a rollout but not running pods (scheduling, mounts,
 * image pulls, probes, admission) is `medium`.
 *
 * @example
 * ```ts
 * BUILTIN_RULES.find((r) => r.reason === 'FailedScheduling')?.severity; // 'medium'
 * ```
 */
export const BUILTIN_RULES: readonly EventRule[] = [
  // The kubelet uses BackOff both for restarting a crashing container and for pulling an image.
  { reason: 'BackOff', message: 'pulling image', severity: 'medium', eventType: 'image_pull_backoff' },
  { reason: 'BackOff', severity: 'high', eventType: 'crash_loop_backoff' },
  { reason: 'CrashLoopBackOff', severity: 'high', eventType: 'crash_loop_backoff' },
  { reason: 'Failed', message: '/pull|InvalidImageName/i', severity: 'medium', eventType: 'image_pull_failed' },
  { reason: 'Failed', severity: 'medium', eventType: 'container_failed' },
  { reason: 'OOMKilling', severity: 'high', eventType: 'oom_killed' },
  { reason: 'SystemOOM', severity: 'high', eventType: 'oom_killed' },
  { reason: 'Evicted', severity: 'high', eventType: 'pod_evicted' },
  { reason: 'EvictionThresholdMet', severity: 'high', eventType: 'node_pressure' },
  { reason: 'BackoffLimitExceeded', severity: 'high', eventType: 'job_failed' },
  { reason: 'DeadlineExceeded', severity: 'high', eventType: 'job_failed' },
  { reason: 'FailedScheduling', severity: 'medium', eventType: 'scheduling_failed' },
  { reason: 'FailedMount', severity: 'medium', eventType: 'volume_mount_failed' },
  { reason: 'FailedAttachVolume', severity: 'medium', eventType: 'volume_attach_failed' },
  { reason: 'ProvisioningFailed', severity: 'medium', eventType: 'volume_provisioning_failed' },
  { reason: 'Unhealthy', severity: 'medium', eventType: 'probe_failed' },
  // An admission webhook, Pod Security admission or a quota refusing a controller's pods.
  { reason: 'FailedCreate', message: '/forbidden|violates podsecurity|denied the request|admission webhook/i', severity: 'medium', eventType: 'admission_denied', category: 'security' },
  { reason: 'FailedCreate', severity: 'medium', eventType: 'create_failed' },
  { reason: 'FailedCreatePodSandBox', severity: 'medium', eventType: 'sandbox_failed' },
  { reason: '/^Failed(PostStart|PreStop)Hook$/', severity: 'medium', eventType: 'lifecycle_hook_failed' },
  { reason: 'Rebooted', severity: 'medium', eventType: 'node_rebooted' },
  { reason: '/^(ImageGC|FreeDiskSpace|ContainerGC)Failed$/', severity: 'medium', eventType: 'node_disk_pressure' },
  { reason: 'FailedKillPod', severity: 'low', eventType: 'kill_failed' },
];

/** A string or `/pattern/flags`, ready to test. */
type Matcher = (text: string) => boolean;

/** A rule with its patterns compiled. */
export interface CompiledRule {
  rule: EventRule;
  reason: Matcher;
  message?: Matcher;
}

/** What the config's filters and rules compile to. */
export interface CompiledRules {
  include: Matcher[];
  exclude: Matcher[];
  kinds: Set<string>;
  rules: CompiledRule[];
}

const SLASHED = /^\/(.+)\/([a-z]*)$/;

function matcher(pattern: string, where: string, substring: boolean): Matcher {
  const slashed = SLASHED.exec(pattern);
  if (slashed) {
    let re: RegExp;
    try {
      re = new RegExp(slashed[1], slashed[2]);
    } catch (err) {
      throw new Error(`${where}: ${pattern} is not a valid regular expression (${(err as Error).message})`, { cause: err });
    }
    return (text) => re.test(text);
  }
  if (substring) {
    const needle = pattern.toLowerCase();
    return (text) => text.toLowerCase().includes(needle);
  }
  return (text) => text === pattern;
}

function compileRule(rule: EventRule, where: string): CompiledRule {
  return {
    rule,
    reason: matcher(rule.reason, `${where}.reason`, false),
    message: rule.message === undefined ? undefined : matcher(rule.message, `${where}.message`, true),
  };
}

const BUILTIN_COMPILED = BUILTIN_RULES.map((rule, i) => compileRule(rule, `builtin rule ${i}`));
const cache = new WeakMap<object, CompiledRules>();

/**
 * Compiles the config's reason filters and rules (once per config object; the host freezes
 * it). Throws, naming the field, on a pattern that is not a valid regular expression: called
 * from `start`, that fails the Ingester with the reason.
 *
 * @example
 * ```ts
 * const compiled = compileRules(ctx.config);
 * ```
 */
export function compileRules(config: K8sEventsConfig): CompiledRules {
  let compiled = cache.get(config);
  if (!compiled) {
    compiled = {
      include: config.reasons.map((p, i) => matcher(p, `reasons[${i}]`, false)),
      exclude: config.excludeReasons.map((p, i) => matcher(p, `excludeReasons[${i}]`, false)),
      kinds: new Set(config.involvedKinds),
      rules: [...config.rules.map((rule, i) => compileRule(rule, `rules[${i}]`)), ...(config.builtinRules ? BUILTIN_COMPILED : [])],
    };
    cache.set(config, compiled);
  }
  return compiled;
}

/** How an event is classified. */
export interface Classification {
  severity: Severity;
  category: Category;
  eventType: string;
  /** The matching rule as `reason ~ message`, for details; undefined when none matched. */
  rule?: string;
}

/**
 * `SomeReason` → `some_reason`, the eventType of an event no rule names one for.
 *
 * @example
 * ```ts
 * snakeCase('FailedCreatePodSandBox'); // 'failed_create_pod_sand_box'
 * ```
 */
export function snakeCase(reason: string): string {
  const snake = reason
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  return snake || 'event';
}

/**
 * Classifies an event by the first rule whose reason (and message, when the rule has one)
 * matches; an event no rule matches gets the default severity and category.
 *
 * @example
 * ```ts
 * classify('BackOff', 'Back-off restarting failed container', compiled, config).severity; // 'high'
 * ```
 */
export function classify(reason: string, message: string, compiled: CompiledRules, config: K8sEventsConfig): Classification {
  for (const { rule, reason: reasonMatches, message: messageMatches } of compiled.rules) {
    if (!reasonMatches(reason) || (messageMatches && !messageMatches(message))) continue;
    return {
      severity: rule.severity ?? config.defaultSeverity,
      category: rule.category ?? config.defaultCategory,
      eventType: rule.eventType ?? snakeCase(reason),
      rule: rule.reason + (rule.message ? ` ~ ${rule.message}` : ''),
    };
  }
  return { severity: config.defaultSeverity, category: config.defaultCategory, eventType: snakeCase(reason) };
}
