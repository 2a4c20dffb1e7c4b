import Type, { type Static } from 'typebox';
import { PRIORITIES } from './priority.js';

/**
 * The `output_fields` that, besides the rule and the resource, make two alerts "the same
 * finding". Workload identity (container name, image), what ran (executable, command line), what
 * it touched (file or connection; the client's ephemeral port is dropped), and who (user); for
 * k8saudit alerts, who did what to which object. Volatile fields (pids, times, container ids of
 * pods, which change on every restart) are left out on purpose.
 *
 * @example
 * ```ts
 * DEFAULT_DEDUP_FIELDS.includes('proc.cmdline'); // true
 * ```
 */
export const DEFAULT_DEDUP_FIELDS: readonly string[] = [
  'container.name',
  'container.image.repository',
  'proc.exepath',
  'proc.cmdline',
  'fd.name',
  'user.name',
  'ka.user.name',
  'ka.verb',
  'ka.target.resource',
  'ka.target.subresource',
  'ka.target.namespace',
  'ka.target.name',
];

/**
 * Configuration of the falco source (`spec.config` of an Ingester). Unknown keys are errors,
 * so a typo does not silently fall back to a default.
 *
 * @example
 * ```ts
 * const config: FalcoConfig = { minPriority: 'warning', dedupFields: ['proc.cmdline'], includeOutputFields: true };
 * ```
 */
export const FalcoConfigSchema = Type.Object(
  {
    minPriority: Type.Union(
      PRIORITIES.map((p) => Type.Literal(p)),
      {
        default: 'debug',
        description: 'Least severe Falco priority turned into an event; alerts below it are dropped (counted as below_min_priority).',
      },
    ),
    dedupFields: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
      default: [...DEFAULT_DEDUP_FIELDS],
      maxItems: 64,
      description:
        'output_fields that, together with the rule and the affected resource, identify one finding. Fields missing from an alert are skipped.',
    }),
    includeOutputFields: Type.Boolean({
      default: true,
      description: 'Copy output_fields (bounded: 64 fields, 512 characters each) into the Observation details.',
    }),
  },
  { additionalProperties: false },
);

/**
 * The resolved falco configuration (defaults applied).
 *
 * @example
 * ```ts
 * function threshold(c: FalcoConfig) { return c.minPriority; }
 * ```
 */
export type FalcoConfig = Static<typeof FalcoConfigSchema>;
