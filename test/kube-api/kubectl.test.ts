// The manual workflow test/README.md shows, with a real kubectl 1.32: typed generators (which
// send protobuf), create/apply from files (with kubectl's default client-side validation), a
// CRD and one of its objects, `get` with the CRD's printer columns, delete.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { k8sTool } from '../tools/k8s-tools.ts';
import type { TestTarget } from './target.ts';
import { deleteCrd, randomSuffix, testTarget, waitForCrdEstablished } from './target.ts';

const run = promisify(execFile);
const group = `zen${randomSuffix()}.test.kube-zen.io`;
const crdName = `gadgets.${group}`;
let target: TestTarget;
let dir: string;
let extraNs: string;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(k8sTool('kubectl'), ['--kubeconfig', target.kubeconfigPath, ...args], { encoding: 'utf8' });
  return stdout;
}

function file(name: string, doc: object): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(doc));
  return path;
}

beforeAll(async () => {
  target = await testTarget();
  dir = mkdtempSync(join(tmpdir(), 'zw-kubectl-'));
  extraNs = `${target.namespace}-kc`;
});

afterAll(async () => {
  await kubectl('delete', 'namespace', extraNs, '--ignore-not-found', '--wait=false').catch(() => '');
  if (target) await deleteCrd(target.kc, crdName);
  await target?.cleanup();
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

describe('kubectl against the API server', () => {
  it('creates a namespace, a configmap and a secret with the typed generators (protobuf bodies)', async () => {
    expect(await kubectl('create', 'namespace', extraNs)).toBe(`namespace/${extraNs} created\n`);
    expect(await kubectl('-n', extraNs, 'create', 'configmap', 'settings', '--from-literal=level=debug', '--from-literal=mode=fast')).toBe('configmap/settings created\n');
    expect(await kubectl('-n', extraNs, 'create', 'secret', 'generic', 'token', '--from-literal=value=s3cret')).toBe('secret/token created\n');
    expect(JSON.parse(await kubectl('-n', extraNs, 'get', 'configmap', 'settings', '-o', 'json')).data).toEqual({ level: 'debug', mode: 'fast' });
    expect(await kubectl('-n', extraNs, 'get', 'secret', 'token', '-o', 'jsonpath={.data.value}')).toBe(Buffer.from('s3cret').toString('base64'));
    expect(await kubectl('get', 'namespace', extraNs, '-o', 'jsonpath={.status.phase}')).toBe('Active');
  });

  it('applies a CRD and an object of it from files, validated, and gets it with its printer columns', async () => {
    const crd = file('crd.yaml', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
          },
        ],
      },
    });
    expect(await kubectl('apply', '-f', crd)).toBe(`customresourcedefinition.apiextensions.k8s.io/${crdName} created\n`);
    await waitForCrdEstablished(target.kc, crdName);
    const gadget = file('gadget.yaml', { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g1', namespace: target.namespace }, spec: { size: 3 } });
    // Discovery may lag a moment behind Established on a real cluster.
    let applied = '';
    for (let i = 0; i < 20 && !applied; i++) applied = await kubectl('apply', '-f', gadget).catch(() => new Promise<string>((r) => setTimeout(() => r(''), 500)));
    expect(applied).toBe(`gadget.${group}/g1 created\n`);
    const table = await kubectl('-n', target.namespace, 'get', `gadgets.${group}`);
    expect(table.split('\n')[0].split(/\s+/)).toEqual(['NAME', 'SIZE']);
    expect(table.split('\n')[1].split(/\s+/)).toEqual(['g1', '3']);
  });

  it('refuses an unknown field in a file as kubectl validation says, and deletes', async () => {
    const bad = file('bad.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: extraNs }, data: { a: 'b' }, bogus: 1 });
    const failure = await kubectl('create', '-f', bad).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(failure).toMatch(/unknown field "bogus"/);
    expect(await kubectl('-n', extraNs, 'delete', 'configmap', 'settings')).toBe('configmap "settings" deleted\n');
    expect(await kubectl('-n', target.namespace, 'delete', `gadgets.${group}`, 'g1')).toBe(`gadget.${group} "g1" deleted\n`);
  });
});
