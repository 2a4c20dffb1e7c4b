import Type, { type Static } from 'typebox';

/**
 * `spec.config` of an Ingester of this source. Every key has a default, so `config: {}` works,
 * and unknown keys are refused (a typo is an InvalidConfig naming the key, not a silent no-op).
 */
export const Config = Type.Object(
  {
    labelSelector: Type.String({
      default: 'example.com/{{pluginName}}',
      minLength: 1,
      description: 'Label selector of the ConfigMaps read (the watch\'s labelSelector).',
    }),
    severity: Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')], {
      default: 'medium',
      description: 'Severity of a finding whose ConfigMap sets no valid data.severity.',
    }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof Config>;
