// /__test/: fault control over HTTP for a server running in another process (npm run kube-api).
// Any token the server issued may call it; these requests bypass faults and the request log.
// Endpoints are listed in test/README.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultHandle } from './faults.ts';
import { readBody, sendError, sendJson } from './http-io.ts';
import type { RequestMatch } from './request-log.ts';
import type { KubeApi } from './server.ts';
import { badRequest, notFound, unauthorized } from './status.ts';

type Body = Record<string, any>;

export class AdminApi {
  private api: KubeApi;
  private handles = new Map<string, FaultHandle>();
  private nextId = 1;

  constructor(api: KubeApi) {
    this.api = api;
  }

  private keep(h: FaultHandle): { id: string } {
    const id = String(this.nextId++);
    this.handles.set(id, h);
    return { id };
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
    try {
      if (!this.api.tokens.fromHeader(req.headers.authorization)) throw unauthorized();
      const raw = (await readBody(req)).toString('utf8').trim();
      let body: Body = {};
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          throw badRequest('admin request body must be JSON');
        }
      }
      const out = await this.route(req.method ?? 'GET', path.slice('/__test'.length), body, url.searchParams);
      sendJson(res, 200, out ?? {});
    } catch (err) {
      sendError(res, err);
    }
  }

  private matchFrom(q: URLSearchParams): RequestMatch & { includePartitioned?: boolean } {
    const m: RequestMatch & { includePartitioned?: boolean } = {};
    for (const k of ['verb', 'resource', 'subresource', 'namespace', 'name', 'user', 'token', 'group', 'labelSelector', 'fieldSelector'] as const) {
      const v = q.getAll(k);
      if (v.length === 1) (m as Record<string, unknown>)[k] = v[0];
      else if (v.length > 1) (m as Record<string, unknown>)[k] = v;
    }
    if (q.get('includePartitioned') === 'true') m.includePartitioned = true;
    return m;
  }

  private async route(method: string, path: string, body: Body, q: URLSearchParams): Promise<object | undefined> {
    const api = this.api;
    const f = api.faults;
    const key = `${method} ${path.replace(/\/\d+$/, '/:id')}`;
    const id = /\/(\d+)$/.exec(path)?.[1];
    switch (key) {
      case 'GET /state':
        return { resourceVersion: String(api.store.rv), openWatches: api.openWatches, url: api.url };
      case 'GET /requests':
        return { count: api.requests.count(this.matchFrom(q)), counters: api.requests.counters(), records: q.get('records') === 'true' ? api.requests.list(this.matchFrom(q)) : undefined };
      case 'DELETE /requests':
        api.requests.reset();
        return {};
      case 'POST /tokens':
        return { token: api.issueToken(String(body.user ?? 'zen-test'), { audiences: body.audiences as string[] | undefined, expirationSeconds: body.expirationSeconds as number | undefined }) };
      case 'POST /faults/fail':
        return this.keep(f.fail(body as never));
      case 'POST /faults/latency':
        return this.keep(f.latency(body as never));
      case 'POST /faults/crd-warmup':
        return this.keep(f.crdWatchWarmup(body));
      case 'POST /partitions':
        return this.keep(f.partition({ token: body.token, user: body.user }, body.mode ?? 'hang'));
      case 'DELETE /faults/:id':
      case 'DELETE /partitions/:id': {
        const h = this.handles.get(id!);
        if (!h) throw notFound({ group: '', resource: 'faults' }, id!);
        h.remove();
        this.handles.delete(id!);
        return { hits: h.hits };
      }
      case 'GET /faults/:id': {
        const h = this.handles.get(id!);
        if (!h) throw notFound({ group: '', resource: 'faults' }, id!);
        return { hits: h.hits };
      }
      case 'DELETE /faults':
        f.clear();
        this.handles.clear();
        return {};
      case 'DELETE /partitions':
        f.heal();
        return {};
      case 'POST /watches/close':
        return { closed: f.closeWatches(body.match, { abrupt: !!body.abrupt }) };
      case 'POST /watches/freeze':
        f.freezeWatches(body.match);
        return {};
      case 'POST /watches/unfreeze':
        f.unfreezeWatches();
        return {};
      case 'POST /compact':
        f.compact();
        return { resourceVersion: String(api.store.rv) };
      case 'POST /restart': {
        // Answer first: the restart drops this very connection.
        const delayMs = Number(body.downMs ?? 0);
        setTimeout(() => {
          void (async () => {
            await api.stop();
            if (body.resetWatchCache) api.store.compact();
            await new Promise((r) => setTimeout(r, delayMs));
            await api.listen();
          })();
        }, 20);
        return { restarting: true };
      }
      default:
        throw notFound({ group: '', resource: '__test' }, path);
    }
  }
}
