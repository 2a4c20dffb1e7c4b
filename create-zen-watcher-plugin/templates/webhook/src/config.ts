import Type, { type Static } from 'typebox';

const severity = (fallback: string, description: string) =>
  Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], { default: fallback, description });

/**
 * `spec.config` of an Ingester of this source. Every key has a default, so `config: {}` works,
 * and unknown keys are refused (a typo is an InvalidConfig naming the key, not a silent no-op).
 */
export const Config = Type.Object(
  {
    minSeverity: severity('low', 'Findings below this severity are skipped (counted in skipped_total{reason="below_min_severity"}).'),
    category: Type.Union([Type.Literal('security'), Type.Literal('compliance'), Type.Literal('performance'), Type.Literal('operations'), Type.Literal('cost')], {
      default: 'security',
      description: 'The category of every finding.',
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof Config>;
