import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure } from './client-errors.ts';
import { fakeOnly } from './target.ts';
import { waitFor } from './wait-for.ts';

const skip = fakeOnly('starts the standalone fake server');

let child: ChildProcess | undefined;
let dir: string;
let info: { url: string; kubeconfig: string; token: string; admin: string };

beforeAll(async () => {
  if (skip) return;
  dir = await mkdtemp(join(tmpdir(), 'zw-standalone-'));
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', main, '--kubeconfig', join(dir, 'kubeconfig'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child!.stdout! }).once('line', resolve);
    child!.once('exit', (code) => reject(new Error(`kube-api exited with ${code}`)));
  });
  info = JSON.parse(first);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function admin(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${info.url}/__test${path}`, {
    method,
    headers: { Authorization: `Bearer ${info.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe.skipIf(skip)('standalone server (npm run kube-api)', () => {
  it('writes a kubeconfig client-node can use', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));
  });

  it('takes fault control and reads the request log over /__test/', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const { id } = await admin('POST', '/faults/fail', { match: { verb: 'get', resource: 'namespaces' }, status: 503 });
    expect((await apiFailure(core.readNamespace({ name: 'default' }))).code).toBe(503);
    expect(await admin('DELETE', `/faults/${id}`)).toEqual({ hits: 1 });
    await core.readNamespace({ name: 'default' });
    const log = await admin('GET', '/requests?verb=get&resource=namespaces');
    expect(log.count).toBe(2);
    const { token } = await admin('POST', '/tokens', { user: 'system:serviceaccount:zen:w' });
    expect(token).toMatch(/^zwt-/);
    expect((await admin('POST', '/compact')).resourceVersion).toMatch(/^\d+$/);
  });

  it('restarts on the same port, keeping objects', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(info.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' } } });
    await admin('POST', '/restart', { downMs: 200 });
    await waitFor(async () => (await core.readNamespacedConfigMap({ name: 'kept', namespace: 'default' })).metadata?.name === 'kept', { timeoutMs: 10_000 });
  });

  it('refuses admin calls without a token', async () => {
    // The restart above answers before the server goes down for a moment: wait until it is back.
    const status = await waitFor(async () => (await fetch(`${info.url}/__test/state`).catch(() => undefined))?.status, { timeoutMs: 10_000 });
    expect(status).toBe(401);
  });
});
