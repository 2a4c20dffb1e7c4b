// Tests assert on the Status object the server answered with; client-node's ApiException
// carries it as a JSON string in `body`.

export interface ApiFailure {
  code: number;
  status: Record<string, any>;
  headers: Record<string, string>;
}

/** Awaits `p`, which must fail with an ApiException; returns its code and parsed Status body. */
export async function apiFailure(p: Promise<unknown>): Promise<ApiFailure> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: number; body?: unknown; headers?: Record<string, string> };
    if (typeof e.code !== 'number') throw err;
    let status: Record<string, any> = {};
    if (typeof e.body === 'string') {
      try {
        status = JSON.parse(e.body);
      } catch {
        status = { text: e.body };
      }
    } else if (e.body && typeof e.body === 'object') {
      status = e.body as Record<string, any>;
    }
    return { code: e.code, status, headers: e.headers ?? {} };
  }
  throw new Error('expected the request to fail');
}
