// Requests that client-node's typed API cannot make (discovery documents, arbitrary content
// types, bodies the typed serializer would rewrite), authenticated from the same KubeConfig, so
// they work against the fake server and a real cluster alike.
import * as k8s from '@kubernetes/client-node';
import { fetch } from 'undici';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
}

export async function rawRequest(kc: k8s.KubeConfig, method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<RawResponse> {
  const server = kc.getCurrentCluster()!.server;
  const ctx = new k8s.RequestContext(server + path, method as k8s.HttpMethod);
  await kc.applySecurityAuthentication(ctx);
  const headers: Record<string, string> = { ...ctx.getHeaders(), Accept: accept };
  if (body !== undefined) headers['Content-Type'] = contentType;
  const res = await fetch(server + path, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    dispatcher: ctx.getDispatcher() as never,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers as unknown as Headers, text, json: () => JSON.parse(text) };
}
