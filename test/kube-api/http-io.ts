// Request bodies in, JSON out, errors as Status objects — the wire conventions shared by all
// handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { parseJsonLikeGo } from './go-json.ts';
import { ApiError, badRequest, requestEntityTooLarge } from './status.ts';

/** The apiserver's request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw requestEntityTooLarge(MAX_BODY_BYTES);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
}

/** JSON (or YAML) body of a create/update; anything else is a 415 like the real decoder. */
export function parseObjectBody(raw: Buffer, type: string): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') throw badRequest('Object \'Kind\' is missing in \'\'');
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml') return parseYaml(text);
    return parseJsonLikeGo(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function commonHeaders(res: ServerResponse): void {
  res.setHeader('Audit-Id', randomUUID());
  res.setHeader('Cache-Control', 'no-cache, private');
}

export function sendJson(res: ServerResponse, code: number, body: string | object, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent || res.destroyed) return;
  commonHeaders(res);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, code: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  commonHeaders(res);
  res.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) {
    sendJson(res, err.status.code, err.status, err.headers);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  sendJson(res, 500, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 });
}

/** RFC 7234 warning header values, as the apiserver sends for dropped unknown fields. */
export function warningHeader(messages: string[]): string[] {
  return messages.map((m) => `299 - ${JSON.stringify(m)}`);
}

export function boolParam(v: string | null): boolean {
  return v === 'true' || v === '1' || v === 't' || v === 'T' || v === 'TRUE' || v === 'True';
}
