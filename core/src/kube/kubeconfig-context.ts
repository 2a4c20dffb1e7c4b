import { HostError, HostErrorCodes } from '../errors.js';
import type { FileCredentialsOptions, UserSettings } from './file-credentials.js';
import type { KubeconfigEntry, MergedKubeconfig } from './kubeconfig-files.js';
import type { Pem, TlsSettings } from './kube-tls.js';

/** The current context, as our own loader handles it or, with the reason, left to client-node. */
export type SelectedContext =
  | { kind: 'files'; context: string; credentials: FileCredentialsOptions }
  | { kind: 'client-node'; context: string; origin: string; reason: string };

const CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'proxy-url']);
const USER_FIELDS = new Set(['token', 'token-file', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'username', 'password', 'as']);
// Read by neither client-node nor us; they change nothing about the requests.
const IGNORED_FIELDS = new Set(['extensions', 'disable-compression']);

/**
 * Resolves the current context to its cluster and user. A user with `exec`, `auth-provider` or
 * any field we do not read (a SOCKS proxy too) goes to client-node, so it works as it always has.
 */
export function selectContext(config: MergedKubeconfig): SelectedContext {
  const files = config.files.join(', ');
  const name = config.currentContext;
  if (!name) throw invalid(`kubeconfig ${files}: no current-context (choose one with kubectl config use-context)`);
  const context = config.contexts.get(name);
  if (!context) throw invalid(`kubeconfig ${files}: current-context "${name}" is not defined (contexts: ${[...config.contexts.keys()].join(', ') || 'none'})`);
  const origin = `kubeconfig ${context.file}, context "${name}"`;
  const clusterName = stringField(origin, context, 'cluster');
  if (!clusterName) throw invalid(`${origin}: names no cluster`);
  const cluster = config.clusters.get(clusterName);
  if (!cluster) throw invalid(`${origin}: cluster "${clusterName}" is not defined (clusters: ${[...config.clusters.keys()].join(', ') || 'none'})`);
  const userName = stringField(origin, context, 'user');
  const user = userName ? config.users.get(userName) : undefined;
  if (userName && !user) throw invalid(`${origin}: user "${userName}" is not defined (users: ${[...config.users.keys()].join(', ') || 'none'})`);

  const where = (e: KubeconfigEntry, kind: string) => `${origin}: ${kind} "${e.name}"${e.file === context.file ? '' : ` (in ${e.file})`}`;
  const reason = unsupported(cluster, CLUSTER_FIELDS, 'cluster') ?? (user && unsupported(user, USER_FIELDS, 'user'));
  const proxyUrl = stringField(where(cluster, 'cluster'), cluster, 'proxy-url');
  const socks = proxyUrl && !/^https?:\/\//.test(proxyUrl) ? `cluster "${cluster.name}" has a ${proxyUrl.split(':')[0]} proxy-url` : undefined;
  if (reason || socks) return { kind: 'client-node', context: name, origin, reason: (reason || socks) as string };

  const server = stringField(where(cluster, 'cluster'), cluster, 'server');
  if (!server) throw invalid(`${where(cluster, 'cluster')}: has no server`);
  const tls: TlsSettings = {
    ca: pem(where(cluster, 'cluster'), cluster, 'certificate-authority'),
    insecure: cluster.fields['insecure-skip-tls-verify'] === true,
    servername: stringField(where(cluster, 'cluster'), cluster, 'tls-server-name'),
    proxyUrl,
  };
  const settings: UserSettings = {};
  if (user) {
    const at = where(user, 'user');
    tls.cert = pem(at, user, 'client-certificate');
    tls.key = pem(at, user, 'client-key');
    if (Boolean(tls.cert) !== Boolean(tls.key)) throw invalid(`${at}: has a client ${tls.cert ? 'certificate but no key' : 'key but no certificate'}`);
    const token = stringField(at, user, 'token');
    const tokenFile = stringField(at, user, 'token-file');
    if (token) settings.token = { value: token };
    else if (tokenFile) settings.token = { file: tokenFile };
    const username = stringField(at, user, 'username');
    if (username) settings.basic = { username, password: stringField(at, user, 'password') ?? '' };
    settings.impersonate = stringField(at, user, 'as');
  }
  return { kind: 'files', context: name, credentials: { server, origin, tls, user: settings } };
}

function unsupported(entry: KubeconfigEntry, known: Set<string>, kind: string): string | undefined {
  const extra = Object.keys(entry.fields).filter((f) => entry.fields[f] !== null && entry.fields[f] !== undefined && !known.has(f) && !IGNORED_FIELDS.has(f));
  return extra.length > 0 ? `${kind} "${entry.name}" has ${extra.join(', ')}` : undefined;
}

/** The file field, else its `-data` twin (when both are set client-node reads the file, so do we). */
function pem(at: string, entry: KubeconfigEntry, field: string): Pem | undefined {
  const file = stringField(at, entry, field);
  if (file) return { file };
  const data = stringField(at, entry, `${field}-data`);
  return data ? { data } : undefined;
}

function stringField(at: string, entry: KubeconfigEntry, field: string): string | undefined {
  const value = entry.fields[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(`${at}: ${field} is not a string`);
  return value;
}

function invalid(message: string): HostError {
  return new HostError(HostErrorCodes.HOST_CONFIG_INVALID, message);
}
