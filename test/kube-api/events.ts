// Core v1 Events and events.k8s.io/v1 Events are one resource in the real server (stored once,
// converted per request). Objects are stored in the core v1 shape; these functions convert and
// validate the way pkg/apis/events/v1 conversion and pkg/apis/core/validation/events.go do.
import type { FieldError } from './field-errors.ts';
import { invalidValue, required } from './field-errors.ts';
import { qualifiedNameProblems } from './object-meta.ts';

type Obj = Record<string, any>;

// core v1 name ↔ events.k8s.io/v1 name; fields absent here share their name.
const RENAMES: [string, string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];
const SHARED = ['metadata', 'eventTime', 'series', 'action', 'reason', 'related', 'reportingInstance', 'type'];

export function coreToEventsV1(core: Obj): Obj {
  const out: Obj = { kind: 'Event', apiVersion: 'events.k8s.io/v1' };
  for (const k of SHARED) if (core[k] !== undefined) out[k] = core[k];
  for (const [c, e] of RENAMES) if (core[c] !== undefined) out[e] = core[c];
  // The Go struct of this version omits empty reporting fields but always renders eventTime.
  if (out.eventTime === undefined) out.eventTime = null;
  if (!out.reportingController) delete out.reportingController;
  if (!out.reportingInstance) delete out.reportingInstance;
  return out;
}

export function eventsV1ToCore(ev: Obj): Obj {
  const out: Obj = { kind: 'Event', apiVersion: 'v1' };
  for (const k of SHARED) if (ev[k] !== undefined && ev[k] !== null) out[k] = ev[k];
  for (const [c, e] of RENAMES) if (ev[e] !== undefined && ev[e] !== null) out[c] = ev[e];
  return out;
}

export function coreEventDefaults(ev: Obj): void {
  if (ev.involvedObject === undefined) ev.involvedObject = {};
  if (ev.reportingComponent === undefined) ev.reportingComponent = '';
  if (ev.reportingInstance === undefined) ev.reportingInstance = '';
  if (ev.firstTimestamp === undefined) ev.firstTimestamp = null;
  if (ev.lastTimestamp === undefined) ev.lastTimestamp = null;
  if (ev.eventTime === undefined) ev.eventTime = null;
  if (ev.source === undefined) ev.source = {};
}

/**
 * ValidateEventCreate/Update (pkg/apis/core/validation/events.go): the legacy rules for every
 * request, plus the strict ones for events.k8s.io/v1 creates. Field paths are the core ones
 * (involvedObject, message) whatever the request's version, as in the real code.
 */
export function validateEvent(ev: Obj, strict: boolean): FieldError[] {
  const errs = legacyValidateEvent(ev, strict ? 'reportingController' : 'reportingComponent');
  if (!strict) return errs;
  if (!ev.eventTime) errs.push(required('eventTime'));
  if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalidValue('type', '', `has invalid value: ${ev.type ?? ''}`));
  if (ev.firstTimestamp) errs.push(invalidValue('firstTimestamp', '', 'needs to be unset'));
  if (ev.lastTimestamp) errs.push(invalidValue('lastTimestamp', '', 'needs to be unset'));
  if (ev.count) errs.push(invalidValue('count', '', 'needs to be unset'));
  if (ev.source?.component || ev.source?.host) errs.push(invalidValue('source', '', 'needs to be unset'));
  return errs;
}

function legacyValidateEvent(ev: Obj, controllerField: string): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const mismatch = () => errs.push(invalidValue('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  if (!ev.eventTime) {
    if (involvedNs === '' ? ns !== '' && ns !== 'default' : ns !== involvedNs) mismatch();
    return errs;
  }
  if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') mismatch();
  const controller: string = ev.reportingComponent ?? '';
  if (!controller) errs.push(required(controllerField));
  for (const msg of qualifiedNameProblems(controller)) errs.push(invalidValue(controllerField, controller, msg));
  const limits: [string, string, number][] = [
    ['reportingInstance', ev.reportingInstance ?? '', 128],
    ['action', ev.action ?? '', 128],
    ['reason', ev.reason ?? '', 128],
  ];
  for (const [field, value, max] of limits) {
    if (!value) errs.push(required(field));
    if (value.length > max) errs.push(invalidValue(field, '', `can have at most ${max} characters`));
  }
  if ((ev.message ?? '').length > 1024) errs.push(invalidValue('message', '', 'can have at most 1024 characters'));
  return errs;
}

export function coreEventFieldLabels(ev: Obj): Record<string, string> {
  const io = ev.involvedObject ?? {};
  const source = ev.source?.component || ev.reportingComponent || '';
  return {
    'metadata.name': ev.metadata?.name ?? '',
    'metadata.namespace': ev.metadata?.namespace ?? '',
    'involvedObject.kind': io.kind ?? '',
    'involvedObject.namespace': io.namespace ?? '',
    'involvedObject.name': io.name ?? '',
    'involvedObject.uid': io.uid ?? '',
    'involvedObject.apiVersion': io.apiVersion ?? '',
    'involvedObject.resourceVersion': io.resourceVersion ?? '',
    'involvedObject.fieldPath': io.fieldPath ?? '',
    reason: ev.reason ?? '',
    reportingComponent: ev.reportingComponent ?? '',
    source,
    type: ev.type ?? '',
  };
}

/** events.k8s.io/v1 accepts its own field names as well as the core ones they map to. */
export function eventsV1FieldLabels(ev: Obj): Record<string, string> {
  const core = coreEventFieldLabels(ev);
  const out: Record<string, string> = { ...core, reportingController: core.reportingComponent, deprecatedSource: core.source };
  for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) out[`regarding.${k}`] = core[`involvedObject.${k}`];
  return out;
}
