import Type, { type Static } from 'typebox';

/**
 * One finding as the tool sends it: replace it with the shape of your tool's payload, taken from
 * its documentation or a captured delivery. Bound every field: a body comes from the network.
 * The host checks each finding of a delivery against it on its own.
 */
export const Finding = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 256 }),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Literal('info')]),
  title: Type.String({ minLength: 1, maxLength: 1024 }),
  description: Type.Optional(Type.String({ maxLength: 65536 })),
  resource: Type.Optional(
    Type.Object({
      kind: Type.String({ minLength: 1, maxLength: 253 }),
      name: Type.String({ minLength: 1, maxLength: 253 }),
      namespace: Type.Optional(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 })),
    }),
  ),
  detectedAt: Type.Optional(Type.String({ format: 'date-time' })),
});

export type Finding = Static<typeof Finding>;
