// ObjectMeta validation shared by every resource (apimachinery ValidateObjectMeta): names,
// labels, annotations, finalizers, owner references — with the real messages, because a
// controller that writes a bad label value should fail here exactly as it would in a cluster.
import type { FieldError } from './field-errors.ts';
import { duplicate, forbiddenField, invalidValue, required, tooLong } from './field-errors.ts';

type Obj = Record<string, any>;

export type NameRule = 'subdomain' | 'label' | 'path';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function nameProblems(name: string, rule: NameRule): string[] {
  const out: string[] = [];
  if (name === '.' || name === '..') out.push(`may not be '${name}'`);
  for (const bad of ['/', '%']) if (name.includes(bad)) out.push(`may not contain '${bad}'`);
  if (rule === 'subdomain') {
    if (name.length > 253) out.push('must be no more than 253 characters');
    if (!SUBDOMAIN.test(name)) out.push(SUBDOMAIN_MSG);
  } else if (rule === 'label') {
    if (name.length > 63) out.push('must be no more than 63 characters');
    if (!LABEL.test(name)) out.push(LABEL_MSG);
  }
  return out;
}

export function qualifiedNameProblems(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  let name = key;
  if (parts.length === 2) {
    const [prefix, n] = parts;
    name = n;
    if (prefix.length === 0) out.push('prefix part must be non-empty');
    else {
      if (prefix.length > 253) out.push('prefix part must be no more than 253 characters');
      if (!SUBDOMAIN.test(prefix)) out.push(`prefix part ${SUBDOMAIN_MSG}`);
    }
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) out.push('name part must be non-empty');
  else if (name.length > 63) out.push('name part must be no more than 63 characters');
  if (!QUALIFIED_NAME_PART.test(name)) out.push(QUALIFIED_MSG);
  return out;
}

/** A generateName is validated as a name prefix: a trailing '-' is allowed (maskTrailingDash). */
export function validateGenerateName(meta: Obj, rule: NameRule): FieldError[] {
  const prefix: string = meta.generateName ?? '';
  if (!prefix) return [];
  const masked = prefix.length > 1 && prefix.endsWith('-') ? `${prefix.slice(0, -2)}a` : prefix;
  return nameProblems(masked, rule).map((msg) => invalidValue('metadata.generateName', prefix, msg));
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function validateObjectMeta(meta: Obj, rule: NameRule, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!meta.name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameProblems(meta.name, rule)) errs.push(invalidValue('metadata.name', meta.name, msg));
  if (namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
  }
  for (const [k, v] of Object.entries((meta.labels ?? {}) as Record<string, string>)) {
    for (const msg of qualifiedNameProblems(k)) errs.push(invalidValue('metadata.labels', k, msg));
    if (v.length > 63) errs.push(invalidValue('metadata.labels', v, 'must be no more than 63 characters'));
    if (!LABEL_VALUE.test(v)) errs.push(invalidValue('metadata.labels', v, LABEL_VALUE_MSG));
  }
  let size = 0;
  for (const [k, v] of Object.entries((meta.annotations ?? {}) as Record<string, string>)) {
    for (const msg of qualifiedNameProblems(k.toLowerCase())) errs.push(invalidValue('metadata.annotations', k, msg));
    size += k.length + v.length;
  }
  if (size > TOTAL_ANNOTATION_SIZE) errs.push(tooLong('metadata.annotations', '', TOTAL_ANNOTATION_SIZE));
  const seen = new Set<string>();
  (meta.finalizers ?? []).forEach((f: string, i: number) => {
    for (const msg of qualifiedNameProblems(f)) errs.push(invalidValue(`metadata.finalizers[${i}]`, f, msg));
    if (seen.has(f)) errs.push(duplicate(`metadata.finalizers[${i}]`, f));
    seen.add(f);
  });
  (meta.ownerReferences ?? []).forEach((r: Obj, i: number) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!r.apiVersion) errs.push(invalidValue(`${p}.apiVersion`, r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(invalidValue(`${p}.kind`, r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(invalidValue(`${p}.name`, r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(invalidValue(`${p}.uid`, r.uid ?? '', 'uid must not be empty'));
  });
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields cannot change; new finalizers cannot be added once deleting. */
export function validateObjectMetaUpdate(meta: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const before = new Set<string>(old.finalizers ?? []);
    for (const f of meta.finalizers ?? []) {
      if (!before.has(f)) {
        errs.push(forbiddenField('metadata.finalizers', `no new finalizers can be added if the object is being deleted, found new finalizers []string{${JSON.stringify(f)}}`));
        break;
      }
    }
  }
  return errs;
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** names.SimpleNameGenerator: prefix (cut to 58 chars) plus five random characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return prefix.slice(0, 63 - 5) + suffix;
}

export function nowRfc3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
