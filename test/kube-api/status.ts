// Error responses shaped exactly like k8s.io/apimachinery/pkg/api/errors builds them, because
// clients branch on `reason`, `code` and `details` and tests compare messages.
import type { FieldError } from './field-errors.ts';
import { aggregateMessage, errorBody } from './field-errors.ts';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** group + plural, as the apiserver names a resource in its messages (`leases.coordination.k8s.io`). */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** A Status object the server answers with; `headers` carries e.g. Retry-After. */
export class ApiError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string | string[]>;

  constructor(code: number, reason: string, message: string, details?: StatusDetails, headers: Record<string, string | string[]> = {}) {
    super(message);
    // Built in the wire order of metav1.Status so raw JSON in a failing test reads like the real
    // thing; the apiserver omits an empty reason (StatusReasonUnknown) and empty details.
    const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as Status;
    if (reason) status.reason = reason;
    if (details && Object.keys(details).length > 0) status.details = details;
    status.code = code;
    this.status = status;
    this.headers = headers;
  }
}

function grDetails(gr: GroupResource, name: string): StatusDetails {
  const d: StatusDetails = { name };
  if (gr.group) d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export function notFound(gr: GroupResource, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, grDetails(gr, name));
}

/** Unknown path inside a served group/version (what the real server says for an unserved plural). */
export function resourceNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, grDetails(gr, name));
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export function conflict(gr: GroupResource, name: string, message: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${message}`, grDetails(gr, name));
}

/**
 * A failed storage precondition (uid or resourceVersion) surfaces through etcd3's InvalidObjError,
 * whose text the apiserver passes on verbatim inside the Conflict message.
 */
export function preconditionFailed(gr: GroupResource, name: string, storageKey: string, detail: string): ApiError {
  return conflict(gr, name, `StorageError: invalid object, Code: 4, Key: ${storageKey}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ${detail}`);
}

export function invalid(group: string, kind: string, name: string, errs: FieldError[]): ApiError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const causes = errs.map((e) => ({ reason: e.type, message: errorBody(e), field: e.field }));
  // Empty strings are omitempty in StatusDetails.
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (group) details.group = group;
  if (kind) details.kind = kind;
  details.causes = causes;
  const agg = aggregateMessage(errs);
  const message = agg ? `${qualifiedKind} "${name}" is invalid: ${agg}` : `${qualifiedKind} "${name}" is invalid`;
  return new ApiError(422, 'Invalid', message, details);
}

/**
 * A Status whose `details` is an empty object: Go sets the pointer without filling it in (a
 * JSON patch that does not apply, for one), and omitempty keeps `{}` on the wire.
 */
export function withEmptyDetails(err: ApiError): ApiError {
  const { code, ...rest } = err.status;
  Object.assign(err, { status: { ...rest, details: {}, code } });
  return err;
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(gr: GroupResource, name: string, message: string, causes?: StatusCause[]): ApiError {
  const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  const details = grDetails(gr, name);
  if (!name) delete details.name;
  if (causes) details.causes = causes;
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${message}`, details);
}

export function methodNotSupported(gr: GroupResource, action: string): ApiError {
  const details: StatusDetails = {};
  if (gr.group) details.group = gr.group;
  details.kind = gr.resource;
  return new ApiError(405, 'MethodNotAllowed', `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, details);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** negotiation's errUnsupportedMediaType: a Status without details. */
export function unsupportedMediaType(accepted: string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', `Too many requests: ${message}`, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function serviceUnavailable(message: string, retryAfterSeconds?: number): ApiError {
  const details: StatusDetails = {};
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) {
    details.retryAfterSeconds = retryAfterSeconds;
    headers['Retry-After'] = String(retryAfterSeconds);
  }
  return new ApiError(503, 'ServiceUnavailable', message, details, headers);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function timeout(message: string, retryAfterSeconds: number, causes?: StatusCause[]): ApiError {
  const details: StatusDetails = {};
  if (causes) details.causes = causes;
  details.retryAfterSeconds = retryAfterSeconds;
  return new ApiError(504, 'Timeout', `Timeout: ${message}`, details, { 'Retry-After': String(retryAfterSeconds) });
}

export function requestEntityTooLarge(limit: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** A storage error the apiserver does not translate: it answers 500 with no reason. */
export function rawServerError(message: string): ApiError {
  return new ApiError(500, '', message);
}

export function successStatus(details: StatusDetails): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
