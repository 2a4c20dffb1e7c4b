// URL → (verb, group, version, namespace, resource, name, subresource), following
// k8s.io/apiserver's RequestInfoFactory, including the namespace status/finalize special case
// and the legacy /watch/ path prefix.
import type { Identity } from './auth.ts';
import { boolParam } from './http-io.ts';
import type { RequestInfo, Verb } from './request-log.ts';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, params: URLSearchParams, identity: Identity | undefined): RequestInfo {
  const info: RequestInfo = {
    method,
    path,
    verb: '',
    group: '',
    version: '',
    resource: '',
    subresource: '',
    namespace: '',
    name: '',
    user: identity?.user ?? '',
    token: identity?.token ?? '',
    labelSelector: params.get('labelSelector') ?? '',
    fieldSelector: params.get('fieldSelector') ?? '',
  };
  const parts = path.split('/').filter(Boolean);
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    info.version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    info.group = parts[1];
    info.version = parts[2];
    rest = parts.slice(3);
  } else {
    return info;
  }
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 2) {
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
      info.namespace = rest[1];
      rest = rest.slice(2);
    }
  }
  info.resource = rest[0] ?? '';
  info.name = rest[1] ?? '';
  info.subresource = rest[2] ?? '';
  if (rest.length > 3) info.resource = '';
  // `?watch=true` turns a list into a watch; with a name it is still a get (RequestInfoFactory
  // only consults it for requests without a name). The legacy /watch/ prefix watches either way.
  const watch = legacyWatch || (!info.name && boolParam(params.get('watch')));
  let verb: Verb | '' = '';
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = watch ? 'watch' : info.name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = info.name ? 'delete' : 'deletecollection';
      break;
  }
  if (info.resource) info.verb = verb;
  return info;
}
