import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from './crd-schema.ts';
import { decodeCustomResource, validateCustomResource } from './crd-schema.ts';
import { errorBody } from './field-errors.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['severity'],
      properties: {
        severity: { type: 'string', enum: ['critical', 'high'] },
        eventType: { type: 'string', pattern: '^[a-z0-9_]+$' },
        title: { type: 'string', maxLength: 5, minLength: 1 },
        count: { type: 'integer', minimum: 0, maximum: 10 },
        ratio: { type: 'number' },
        tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
        at: { type: 'string', format: 'date-time' },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        gone: { type: 'string' },
        mode: { type: 'string', default: 'auto' },
        details: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    status: { type: 'object', properties: { count: { type: 'integer' } } },
  },
};

function run(spec: Record<string, unknown>): { obj: Record<string, any>; pruned: string[]; errors: string[]; reasons: string[] } {
  const obj: Record<string, any> = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x', extra: 1 }, spec };
  const pruned = decodeCustomResource(obj, schema);
  const errs = validateCustomResource(obj, schema);
  return { obj, pruned, errors: errs.map((e) => `${e.field}: ${errorBody(e)}`), reasons: errs.map((e) => e.type) };
}

describe('custom resource schema', () => {
  it('prunes unknown fields, keeps preserved ones and metadata, drops nulls, defaults', () => {
    const r = run({ severity: 'high', bogus: 1, details: { any: { thing: true } }, gone: null, note: null, labels: { a: 'b' } });
    expect(r.errors).toEqual([]);
    expect(r.pruned).toEqual(['spec.bogus']);
    expect(r.obj.spec).toEqual({ severity: 'high', details: { any: { thing: true } }, note: null, labels: { a: 'b' }, mode: 'auto' });
    expect(r.obj.metadata).toEqual({ name: 'x', extra: 1 });
  });

  it.each([
    [{ severity: 'huge' }, 'spec.severity: Unsupported value: "huge": supported values: "critical", "high"', 'FieldValueNotSupported'],
    [{}, 'spec.severity: Required value', 'FieldValueRequired'],
    [{ severity: 'high', eventType: 'Bad-Type' }, 'spec.eventType: Invalid value: "Bad-Type": spec.eventType in body should match \'^[a-z0-9_]+$\'', 'FieldValueInvalid'],
    [{ severity: 'high', title: 'toolong' }, 'spec.title: Too long: may not be more than 5 bytes', 'FieldValueTooLong'],
    [{ severity: 'high', count: 11 }, 'spec.count: Invalid value: 11: spec.count in body should be less than or equal to 10', 'FieldValueInvalid'],
    [{ severity: 'high', count: 'x' }, 'spec.count: Invalid value: "string": spec.count in body must be of type integer: "string"', 'FieldValueTypeInvalid'],
    [{ severity: 'high', count: 1.5 }, 'spec.count: Invalid value: "number": spec.count in body must be of type integer: "number"', 'FieldValueTypeInvalid'],
    [{ severity: 'high', tags: ['a', 'b', 'c'] }, 'spec.tags: Too many: 3: must have at most 2 items', 'FieldValueTooMany'],
    [{ severity: 'high', tags: [1] }, 'spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: "integer"', 'FieldValueTypeInvalid'],
    [{ severity: 'high', at: 'yesterday' }, 'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"', 'FieldValueTypeInvalid'],
    [{ severity: 'high', port: true }, 'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"', 'FieldValueTypeInvalid'],
  ])('%j → %s', (spec, message, reason) => {
    const r = run(spec);
    expect(r.errors).toEqual([message]);
    expect(r.reasons).toEqual([reason]);
  });

  it.each(['2026-11-26T06:20:54Z', '2026-11-26T06:20:54.123Z', '2026-11-26t06:20:54+02:00'])('accepts date-time %s', (at) => {
    expect(run({ severity: 'high', at }).errors).toEqual([]);
  });

  it.each(['2026-11-26 06:20:54Z', '2026-11-26T06:20:54', '2026-13-01T00:00:00Z'])('rejects date-time %s', (at) => {
    expect(run({ severity: 'high', at }).errors).toHaveLength(1);
  });

  it('accepts int-or-string as either', () => {
    expect(run({ severity: 'high', port: 80 }).errors).toEqual([]);
    expect(run({ severity: 'high', port: 'http' }).errors).toEqual([]);
  });
});
