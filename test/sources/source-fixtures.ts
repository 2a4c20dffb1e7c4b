// The bundled plugins' own fixtures (plugins/<name>/test/fixtures), read the way each plugin's
// tests read them, and turned into what these end-to-end tests send: objects moved into the
// run's namespace, CRDs of the tools that write them, Observations as the API server holds them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { readFixtureObjects } from '@zen-watcher/sdk/testing';
import { createCrd, waitForCrdEstablished } from '../kube-api/target.ts';
import type { ZenCluster } from '../harness/cluster.ts';
import { waitFor } from '../harness/wait-for.ts';

const PLUGINS = join(import.meta.dirname, '..', '..', 'plugins');

// Parsed fixture JSON/YAML, edited freely by the tests.
export type Json = Record<string, any>;

export function fixtureText(plugin: string, file: string): string {
  return readFileSync(join(PLUGINS, plugin, 'test', 'fixtures', file), 'utf8');
}

export function fixtureJson<T = Json>(plugin: string, file: string): T {
  return JSON.parse(fixtureText(plugin, file)) as T;
}

/** The lines of an NDJSON fixture, parsed. */
export function fixtureLines(plugin: string, file: string): Json[] {
  return fixtureText(plugin, file)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Json);
}

/** Every object of a (multi-document) YAML or JSON fixture, read as the plugins' own tests read it. */
export function fixtureObjects(plugin: string, file: string): Json[] {
  return readFixtureObjects(join(PLUGINS, plugin, 'test', 'fixtures', file), parseAllDocuments) as Json[];
}

/**
 * A fixture object as a client would create it in `namespace`: what the server sets
 * (uid, resourceVersion, timestamps, generation) removed, and ownerReferences dropped — on a real
 * cluster the garbage collector would delete a report whose owner does not exist.
 */
export function forCreate(obj: Json, namespace?: string): Json {
  const o = structuredClone(obj);
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, generation: _g, ownerReferences: _o, selfLink: _s, managedFields: _m, ...metadata } = o.metadata ?? {};
  o.metadata = namespace === undefined ? metadata : { ...metadata, namespace };
  if (namespace === undefined) delete o.metadata.namespace;
  return o;
}

/** Replaces every string equal to `from` (a namespace) with `to`, keys and values, deeply. */
export function renameNamespace<T>(value: T, from: string, to: string): T {
  const walk = (v: unknown): unknown => {
    if (v === from) return to;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** A CRD of a third-party report type, with an open schema (enough to store the fixtures). */
export function openCrd(group: string, version: string, kind: string, plural: string, scope: 'Namespaced' | 'Cluster'): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    },
  };
}

export const REPORT_CRDS = {
  vulnerabilityreports: openCrd('aquasecurity.github.io', 'v1alpha1', 'VulnerabilityReport', 'vulnerabilityreports', 'Namespaced'),
  configauditreports: openCrd('aquasecurity.github.io', 'v1alpha1', 'ConfigAuditReport', 'configauditreports', 'Namespaced'),
  exposedsecretreports: openCrd('aquasecurity.github.io', 'v1alpha1', 'ExposedSecretReport', 'exposedsecretreports', 'Namespaced'),
  policyreports: openCrd('wgpolicyk8s.io', 'v1alpha2', 'PolicyReport', 'policyreports', 'Namespaced'),
  clusterpolicyreports: openCrd('wgpolicyk8s.io', 'v1alpha2', 'ClusterPolicyReport', 'clusterpolicyreports', 'Cluster'),
};

/**
 * Installs the CRDs unless they are there: on a real cluster the tools (or an earlier run) may
 * have installed them, with their own schemas, and they are left in place afterwards.
 */
export async function ensureCrds(kc: k8s.KubeConfig, crds: Json[]): Promise<void> {
  const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
  await Promise.all(
    crds.map(async (crd) => {
      const exists = await ext.readCustomResourceDefinition({ name: crd.metadata.name }).then(
        () => true,
        () => false,
      );
      if (exists) return void (await waitForCrdEstablished(kc, crd.metadata.name));
      try {
        await createCrd(kc, crd);
      } catch (err) {
        // Another run created it between our read and our create.
        if ((err as { code?: number }).code !== 409) throw err;
        await waitForCrdEstablished(kc, crd.metadata.name);
      }
    }),
  );
}

/** An Observation as the API server holds it (the fields these tests read). */
export interface Obs {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; creationTimestamp?: string };
  spec: {
    source: string;
    category: string;
    severity: string;
    eventType: string;
    title: string;
    description?: string;
    resource?: { apiVersion?: string; kind?: string; name?: string; namespace?: string; uid?: string };
    detectedAt: string;
    details?: Json;
    dedupKey?: string;
    ttlSecondsAfterCreation?: number;
  };
  status?: { count: number; firstSeenAt?: string; lastSeenAt: string };
}

/** The run namespace's Observations of one source. */
export async function observationsOf(cluster: ZenCluster, source: string): Promise<Obs[]> {
  return ((await cluster.observations()) as unknown as Obs[]).filter((o) => o.spec.source === source);
}

/**
 * Waits until `source` has exactly `count` Observations for which `where` holds (all of them when
 * not given), each with its status written (a create and its status are two requests) and
 * satisfying `ready` (e.g. its count reached), and returns them.
 */
export async function waitForObservations(
  cluster: ZenCluster,
  source: string,
  count: number,
  opts: { where?: (o: Obs) => boolean; ready?: (o: Obs) => boolean; timeoutMs?: number } = {},
): Promise<Obs[]> {
  const pick = async () => (await observationsOf(cluster, source)).filter(opts.where ?? (() => true));
  return waitFor(
    `${count} Observation(s) of ${source}`,
    async () => {
      const obs = await pick();
      return obs.length === count && obs.every((o) => o.status !== undefined && (opts.ready?.(o) ?? true)) ? obs : undefined;
    },
    { timeoutMs: opts.timeoutMs ?? 10_000, describe: async () => (await pick()).map((o) => [o.metadata.name, o.spec.title, o.status?.count]) },
  );
}

/** The fields that say what a finding is, for comparing with what the plugin documents. */
export function summary(o: Obs): [string, string, string, string] {
  return [o.spec.severity, o.spec.category, o.spec.eventType, o.spec.title];
}

export const byTitle = (a: Obs, b: Obs): number => a.spec.title.localeCompare(b.spec.title);
