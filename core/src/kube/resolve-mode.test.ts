import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startWhoamiServer, tlsFile, type WhoamiServer } from '../../../test/harness/whoami-server.ts';
import type { HostConfig } from '../config/host-config.js';
import { resolveMode } from './resolve-mode.js';

let api: WhoamiServer;
beforeAll(async () => {
  api = await startWhoamiServer();
});
afterAll(() => api?.close());

const log = pino({ level: 'silent' });
const mode = (m: HostConfig['mode']) => ({ mode: m }) as HostConfig;

function kubeconfig(server: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'zw-mode-')), 'config');
  writeFileSync(path, stringify({
    clusters: [{ name: 'k', cluster: { server, 'certificate-authority-data': readFileSync(tlsFile('ca.crt')).toString('base64') } }],
    users: [{ name: 'u', user: { token: 't' } }],
    contexts: [{ name: 'k', context: { cluster: 'k', user: 'u' } }],
    'current-context': 'k',
  }));
  return path;
}

/** A port nothing listens on (any more). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('resolveMode', () => {
  it('auto: cluster mode when the kubeconfig loads and its API server answers /version', async () => {
    const decision = await resolveMode(mode('auto'), { KUBECONFIG: kubeconfig(api.url) }, log);
    expect(decision).toMatchObject({ mode: 'cluster', why: 'kubeconfig from KUBECONFIG' });
    expect(decision.mode === 'cluster' && decision.kubeconfig.server).toBe(api.url);
  });

  it('auto: local mode, saying why, when the API server does not answer or the kubeconfig is unusable', async () => {
    const closed = await closedPort();
    expect(await resolveMode(mode('auto'), { KUBECONFIG: kubeconfig(`https://127.0.0.1:${closed}`) }, log)).toEqual({ mode: 'local', why: `API server https://127.0.0.1:${closed} not reachable: connect ECONNREFUSED 127.0.0.1:${closed}` });
    const broken = kubeconfig(api.url);
    writeFileSync(broken, 'current-context: gone\n');
    expect(await resolveMode(mode('auto'), { KUBECONFIG: broken }, log)).toEqual({ mode: 'local', why: `kubeconfig unusable: kubeconfig ${broken}: current-context "gone" is not defined (contexts: none)` });
  });

  it('cluster: an unusable kubeconfig stops the start with its error', async () => {
    const broken = kubeconfig('');
    await expect(resolveMode(mode('cluster'), { KUBECONFIG: broken }, log)).rejects.toThrow(`kubeconfig ${broken}, context "k": cluster "k": has no server`);
  });
});
