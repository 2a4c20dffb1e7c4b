// The HTTP server: authentication, the request log, fault injection, then routing to
// discovery or the resource handlers. `startKubeApi` wires the parts together.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdminApi } from './admin.ts';
import { ApiRegistry } from './api-registry.ts';
import { Tokens, type TokenOptions } from './auth.ts';
import type { CostModel } from './cost-model.ts';
import { costGate } from './cost-model.ts';
import { CrdController } from './crd-controller.ts';
import { SERVER_VERSION, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { Faults } from './faults.ts';
import { sendError, sendJson, sendText } from './http-io.ts';
import { writeKubeconfigFile } from './kubeconfig.ts';
import { DualListener } from './listener.ts';
import { NamespaceLifecycle } from './namespaces.ts';
import { openApiDocument, openApiRoot } from './openapi.ts';
import type { HandlerContext, ServerSettings } from './read-handlers.ts';
import { handleGet, handleList, handleWatch } from './read-handlers.ts';
import { parseRequestInfo } from './request-info.ts';
import { RequestLog } from './request-log.ts';
import { RestStorage } from './rest-storage.ts';
import type { Obj, ResourceType } from './resource-types.ts';
import { BUILTIN_TYPES, CRDS, NAMESPACES } from './resource-types.ts';
import { methodNotAllowed, resourceNotFound, unauthorized } from './status.ts';
import { Store } from './store.ts';
import type { WatchStream } from './watch.ts';
import type { WriteContext } from './write-handlers.ts';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './write-handlers.ts';

export interface KubeApiOptions {
  /** 0 (default) picks a free port; restart() reuses whatever port was bound. */
  port?: number;
  host?: string;
  /** Watch history kept per resource; older resourceVersions get 410 Expired. */
  historySize?: number;
  bookmarkIntervalMs?: number;
  crdEstablishDelayMs?: number;
  namespaceDeletionDelayMs?: number;
  /** How long a request for a future resourceVersion waits before 504 (real: 3 s). */
  tooLargeResourceVersionWaitMs?: number;
  /** Watch duration when the client sets no timeoutSeconds, [min, max] seconds (real: 1800-3600). */
  watchTimeoutSeconds?: [number, number];
  /**
   * What requests cost: off (default, for unit tests), 'realistic' (calibrated against a real
   * kube-apiserver v1.32 + etcd 3.5 on this machine kind; for benchmarks) or explicit numbers.
   */
  costModel?: 'realistic' | Partial<CostModel>;
}

export interface KubeconfigRequest {
  token?: string;
  user?: string;
  namespace?: string;
  /**
   * 'https' (default) works for kubectl too: client-go sends credentials only over TLS.
   * 'http' saves the TLS cost (client-node accepts it thanks to insecure-skip-tls-verify).
   */
  scheme?: 'http' | 'https';
}

const DEFAULTS: Required<Omit<KubeApiOptions, 'port' | 'host' | 'costModel'>> = {
  historySize: 1000,
  bookmarkIntervalMs: 1000,
  crdEstablishDelayMs: 50,
  namespaceDeletionDelayMs: 50,
  tooLargeResourceVersionWaitMs: 3000,
  watchTimeoutSeconds: [1800, 3600],
};

const SEED_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeApi {
  readonly faults: Faults;
  readonly requests = new RequestLog();
  readonly store: Store;
  readonly registry = new ApiRegistry();
  readonly tokens = new Tokens();
  private storage: RestStorage;
  private namespaces: NamespaceLifecycle;
  private crds: CrdController;
  private watches = new Set<WatchStream>();
  private settings: ServerSettings;
  private listener = new DualListener((req, res) => void this.onRequest(req, res));
  private admin: AdminApi;
  private host: string;
  private boundPort: number;

  constructor(opts: KubeApiOptions = {}) {
    // Explicit `undefined` (e.g. an unset CLI flag) must not override a default.
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as KubeApiOptions;
    const o = { ...DEFAULTS, ...given };
    this.host = opts.host ?? '127.0.0.1';
    this.boundPort = opts.port ?? 0;
    this.settings = {
      bookmarkIntervalMs: o.bookmarkIntervalMs,
      tooLargeResourceVersionWaitMs: o.tooLargeResourceVersionWaitMs,
      watchTimeoutSeconds: o.watchTimeoutSeconds,
      cost: costGate(o.costModel),
    };
    this.store = new Store({ historySize: o.historySize });
    for (const t of BUILTIN_TYPES) this.registry.add(t);
    this.storage = new RestStorage(this.store, { admitCreate: () => {} });
    this.namespaces = new NamespaceLifecycle(this.storage, this.registry, { namespaceDeletionDelayMs: o.namespaceDeletionDelayMs });
    this.crds = new CrdController(this.storage, this.registry, { crdEstablishDelayMs: o.crdEstablishDelayMs }, (key) => {
      for (const w of [...this.watches]) if (w.req.type.storageKey === key) w.end();
    });
    this.storage.lifecycle = {
      admitCreate: (t, ns, name) => {
        this.namespaces.admitCreate(t, ns, name);
        this.crds.admitCreate(t);
      },
      delete: (t, existing, dopts) => {
        if (t === NAMESPACES) return this.namespaces.delete(existing, !!dopts.dryRun);
        if (t === CRDS) return this.crds.delete(existing, !!dopts.dryRun);
        return undefined;
      },
      afterWrite: (t, obj, deleted) => {
        if (t === CRDS) this.crds.afterWrite(obj, deleted);
        this.namespaces.afterWrite(t, obj);
      },
    };
    this.faults = new Faults({ store: this.store, watches: this.watches, crdEstablishedAt: this.crds.establishedAt });
    this.admin = new AdminApi(this);
    for (const name of SEED_NAMESPACES) this.storage.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const t of new Set(BUILTIN_TYPES.map((x) => x.storageKey))) this.store.collection(t);
  }

  get port(): number {
    return this.boundPort;
  }

  /** Plain-http base URL (for fetch and benchmarks). */
  get url(): string {
    return `http://${this.hostForUrl()}:${this.boundPort}`;
  }

  /** The same port over TLS (what kubeconfigs point at by default). */
  get httpsUrl(): string {
    return `https://${this.hostForUrl()}:${this.boundPort}`;
  }

  private hostForUrl(): string {
    return this.host.includes(':') ? `[${this.host}]` : this.host;
  }

  /**
   * Mint a bearer token for `user` (e.g. `system:serviceaccount:ns:name`). With `audiences` it is
   * a projected token for those audiences only (refused by this server's own API, as by a real
   * one); `expirationSeconds` bounds its life (≤ 0: already expired).
   */
  issueToken(user: string, options?: TokenOptions): string {
    return this.tokens.issue(user, undefined, options);
  }

  /** Write a kubeconfig for this server; returns the token it carries. */
  async writeKubeconfig(path: string, opts: KubeconfigRequest = {}): Promise<string> {
    const user = opts.user ?? (opts.token ? (this.tokens.lookup(opts.token)?.user ?? 'zen-test') : 'system:admin');
    const token = opts.token ?? this.issueToken(user);
    await writeKubeconfigFile(path, { server: opts.scheme === 'http' ? this.url : this.httpsUrl, token, user, namespace: opts.namespace });
    return token;
  }

  /** Number of open watch connections. */
  get openWatches(): number {
    return this.watches.size;
  }

  async listen(): Promise<void> {
    this.boundPort = await this.listener.listen(this.boundPort, this.host);
  }

  /** Stop serving (every connection dropped); state is kept for restart(). Idempotent. */
  async stop(): Promise<void> {
    for (const w of [...this.watches]) w.destroy();
    this.faults.dropHung();
    await this.listener.close();
  }

  /**
   * Stop and listen again on the same port with the same objects. `resetWatchCache` drops
   * watch history too, as a restarted real apiserver's empty watch cache does.
   */
  async restart(opts: { resetWatchCache?: boolean } = {}): Promise<void> {
    await this.stop();
    if (opts.resetWatchCache) this.store.compact();
    await this.listen();
  }

  /** Final shutdown: stop serving and cancel the built-in controllers' timers. */
  async close(): Promise<void> {
    await this.stop();
    this.namespaces.stop();
    this.crds.stop();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      if (path.startsWith('/__test/')) return await this.admin.handle(req, res, url, path);
      if (path === '/healthz' || path === '/livez' || path === '/readyz') return sendText(res, 200, 'ok');
      const identity = this.tokens.fromHeader(req.headers.authorization);
      const info = parseRequestInfo(req.method ?? 'GET', path, url.searchParams, identity);
      if (!identity) {
        this.requests.add(info, 'served').code = 401;
        return sendError(res, unauthorized());
      }
      if (this.faults.swallow(req, res, info)) {
        this.requests.add(info, 'partitioned');
        return;
      }
      const rec = this.requests.add(info, 'served');
      res.on('finish', () => (rec.code = res.statusCode));
      const delay = this.faults.delayFor(info);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const type = info.resource ? this.registry.lookup(info.group, info.version, info.resource) : undefined;
      const failure = this.faults.failureFor(info, type?.storageKey);
      if (failure) {
        rec.outcome = 'fault';
        if (failure.kind === 'text') return sendText(res, failure.code, failure.text, failure.headers);
        return sendError(res, failure.error);
      }
      await this.settings.cost?.admit(info.verb);
      if (!info.resource) return this.serveNonResource(req, res, path);
      if (!type) {
        if (this.registry.hasGroupVersion(info.group, info.version)) return sendError(res, resourceNotFound());
        return sendText(res, 404, '404 page not found\n');
      }
      await this.serveResource({ req, res, url, info, type, storage: this.storage, settings: this.settings, watches: this.watches, faults: this.faults, identity, tokens: this.tokens });
    } catch (err) {
      sendError(res, err);
    }
  }

  private serveNonResource(req: IncomingMessage, res: ServerResponse, path: string): void {
    const parts = path.split('/').filter(Boolean);
    let doc: object | undefined;
    if (req.method === 'GET') {
      if (path === '/version') doc = SERVER_VERSION;
      else if (path === '/api') doc = apiVersions(`${this.host}:${this.boundPort}`);
      else if (path === '/apis') doc = apiGroupList(this.registry);
      else if (parts[0] === 'apis' && parts.length === 2) doc = apiGroup(this.registry, parts[1]);
      else if (parts[0] === 'api' && parts.length === 2) doc = apiResourceList(this.registry, '', parts[1]);
      else if (parts[0] === 'apis' && parts.length === 3) doc = apiResourceList(this.registry, parts[1], parts[2]);
      else if (path === '/openapi/v3') doc = openApiRoot(this.registry, SERVER_VERSION.gitVersion);
      else if (parts[0] === 'openapi' && parts[1] === 'v3' && parts[2] === 'api' && parts.length === 4) doc = openApiDocument(this.registry, '', parts[3], SERVER_VERSION.gitVersion);
      else if (parts[0] === 'openapi' && parts[1] === 'v3' && parts[2] === 'apis' && parts.length === 5) doc = openApiDocument(this.registry, parts[3], parts[4], SERVER_VERSION.gitVersion);
    }
    if (doc) sendJson(res, 200, doc);
    else sendText(res, 404, '404 page not found\n');
  }

  private async serveResource(ctx: WriteContext): Promise<void> {
    const { info, type } = ctx;
    const t: ResourceType = type;
    // A namespaced object addressed without namespace, or a cluster-scoped one with one, has no route.
    if ((t.namespaced && info.name && !info.namespace) || (!t.namespaced && info.namespace)) return sendText(ctx.res, 404, '404 page not found\n');
    if (info.subresource && !t.subresources.includes(info.subresource)) return sendError(ctx.res, resourceNotFound());
    const allowed = info.subresource ? (info.subresource === 'finalize' ? ['update'] : ['get', 'update', 'patch']) : t.verbs;
    if (!info.verb || !allowed.includes(info.verb) || (info.verb === 'create' && info.name)) return sendError(ctx.res, methodNotAllowed());
    switch (info.verb) {
      case 'get':
        return handleGet(ctx as HandlerContext);
      case 'list':
        return handleList(ctx);
      case 'watch':
        return handleWatch(ctx);
      case 'create':
        if (t.namespaced && !info.namespace) return sendError(ctx.res, methodNotAllowed());
        return handleCreate(ctx);
      case 'update':
        return handleUpdate(ctx);
      case 'patch':
        return handlePatch(ctx);
      case 'delete':
        return handleDelete(ctx);
      case 'deletecollection':
        return handleDeleteCollection(ctx);
    }
  }

  /** Read-only peek at a stored object (tests), in its storage version. */
  object(group: string, plural: string, namespace: string, name: string): Obj | undefined {
    return this.store.get(group ? `${group}/${plural}` : plural, namespace, name);
  }
}

export async function startKubeApi(opts: KubeApiOptions = {}): Promise<KubeApi> {
  const api = new KubeApi(opts);
  await api.listen();
  return api;
}
