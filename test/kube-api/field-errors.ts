// Field-level validation errors as k8s.io/apimachinery/pkg/util/validation/field renders them:
// the cause `reason` is the ErrorType, the message is ErrorBody(), the aggregate joins them.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate';

/** A value printed verbatim, for the Go values that are not JSON-like (e.g. uint64 0 prints `0x0`). */
export class GoValue {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

const OMIT = Symbol('omit');

export interface FieldError {
  type: FieldErrorType;
  field: string;
  value: unknown;
  detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueTypeInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueForbidden: 'Forbidden',
  FieldValueDuplicate: 'Duplicate value',
};

function goFormat(value: unknown): string {
  if (value instanceof GoValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function errorBody(e: FieldError): string {
  let s: string;
  if (e.type === 'FieldValueRequired' || e.type === 'FieldValueForbidden' || e.type === 'FieldValueTooLong' || e.value === OMIT) {
    s = TYPE_TEXT[e.type];
  } else {
    s = `${TYPE_TEXT[e.type]}: ${goFormat(e.value)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several in brackets, duplicates dropped. */
export function aggregateMessage(errs: FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = fieldErrorString(e);
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 0) return '';
  if (msgs.length === 1) return msgs[0];
  return `[${msgs.join(', ')}]`;
}

export function required(field: string, detail = ''): FieldError {
  return { type: 'FieldValueRequired', field, value: '', detail };
}

export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, detail };
}

export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueTypeInvalid', field, value, detail };
}

export function notSupported(field: string, value: unknown, supported: string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { type: 'FieldValueNotSupported', field, value, detail };
}

export function tooLong(field: string, value: unknown, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, value, detail: max >= 0 ? `may not be more than ${max} bytes` : 'value is too long' };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual >= 0 ? actual : OMIT, detail: max >= 0 ? `must have at most ${max} items` : 'has too many items' };
}

export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, value: '', detail };
}

export function duplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, value, detail: '' };
}

/** Go's field.Path rendering: `spec.items[0].name`, `metadata.labels[app]`. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}
