import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZenCluster } from '../harness/cluster.ts';

// The zen-watcher command in cluster mode, whose port is taken: it must exit non-zero saying
// why, not linger half-started (watching, leading) with nothing served.

let cluster: ZenCluster;
let busy: Server;

beforeAll(async () => {
  cluster = await ZenCluster.start({ replicas: 0 });
  busy = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
}, 60_000);
afterAll(async () => {
  busy?.close();
  await cluster?.stop();
});

describe('zen-watcher whose start fails', () => {
  it('exits non-zero with the cause, and holds no Lease', async () => {
    const proc = await cluster.add('zw-0', {}, false);
    proc.port = (busy.address() as { port: number }).port;
    await expect(proc.start()).rejects.toThrow(/exited/);
    expect(proc.exitCode).not.toBe(0);
    expect(proc.exitCode).not.toBeNull();
    expect(proc.stderr.join('\n')).toMatch(/zen-watcher: .*(EADDRINUSE|address already in use)/);
    expect(await cluster.leaseHolder()).not.toBe('zw-0');
    if (cluster.target.api) {
      const since = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      expect(cluster.target.api.requests.count({ user: `system:serviceaccount:${cluster.namespace}:zw-0`, since })).toBe(0);
    }
  });
});
