/**
 * How fast, and how big, mapping one VulnerabilityReport with 1,000 vulnerabilities is.
 * A plain Node script (no test runner, so no module-runner overhead in the figures):
 *
 *   npx node --expose-gc --conditions=@zen-watcher/source \
 *     --import ./plugins/trivy/bench/resolve-ts.mjs plugins/trivy/bench/map-1000.ts
 *
 * Node 24 strips the types; `resolve-ts.mjs` maps the sources' `./x.js` imports to `./x.ts`
 * and the condition picks the sdk's sources. Prints time per mapping (mean, p50, p99) for the
 * `add`/`sync` path and for `update` (the host diffs findings itself), and the heap retained
 * by the 1,000 events and their size as JSON.
 */
import { performance } from 'node:perf_hooks';
import type { KubeObject, PluginContext } from '@zen-watcher/sdk';
import type { TrivyConfig } from '../src/config.js';
import trivy from '../src/index.js';
import { mapReport } from '../src/map-report.js';
import { SILENT } from '@zen-watcher/sdk/helpers';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** A report shaped like Trivy Operator's, with realistic text lengths. */
function reportWith(count: number): KubeObject {
  const vulnerabilities = Array.from({ length: count }, (_, i) => ({
    vulnerabilityID: `CVE-2024-${10000 + i}`,
    resource: `lib-package-${i % 120}`,
    installedVersion: `1.${i % 30}.${i % 7}-r${i % 4}`,
    fixedVersion: i % 5 === 0 ? '' : `1.${i % 30}.${(i % 7) + 1}-r0`,
    severity: SEVERITIES[i % SEVERITIES.length],
    score: (i % 100) / 10,
    title: `lib-package-${i % 120}: heap-based buffer overflow in the parser of component ${i}`,
    description: 'A flaw was found in the way the library parses crafted input. '.repeat(5),
    primaryLink: `https://avd.aquasec.com/nvd/cve-2024-${10000 + i}`,
    links: [`https://nvd.nist.gov/vuln/detail/CVE-2024-${10000 + i}`, 'https://security-tracker.debian.org/tracker', 'https://ubuntu.com/security'],
    target: 'registry.example.com/shop/web:1.4.2 (debian 12.5)',
    publishedDate: '2024-03-01T12:00:00Z',
  }));
  return {
    apiVersion: 'aquasecurity.github.io/v1alpha1',
    kind: 'VulnerabilityReport',
    metadata: {
      name: 'replicaset-web-7d9f8c6b5-web',
      namespace: 'shop',
      creationTimestamp: '2026-11-20T10:00:00Z',
      labels: {
        'trivy-operator.resource.kind': 'ReplicaSet',
        'trivy-operator.resource.name': 'web-7d9f8c6b5',
        'trivy-operator.resource.namespace': 'shop',
        'trivy-operator.container.name': 'web',
      },
    },
    report: {
      updateTimestamp: '2026-11-20T10:00:00Z',
      artifact: { repository: 'shop/web', tag: '1.4.2' },
      registry: { server: 'registry.example.com' },
      scanner: { name: 'Trivy', vendor: 'Aqua Security', version: '0.58.0' },
      vulnerabilities,
    },
  };
}

// minSeverity info so every one of the 1,000 becomes an event (the worst case).
const config: TrivyConfig = { reports: ['vulnerability'], minSeverity: 'info', ignoreUnfixed: false, maxFindingsPerReport: 10000 };
const report = reportWith(1000);

const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => log };
const ctx: PluginContext<TrivyConfig> = {
  plugin: 'trivy',
  name: 'bench',
  config,
  namespaces: [],
  log,
  metrics: { counter: () => ({ inc() {} }), gauge: () => ({ set() {} }) },
  signal: new AbortController().signal,
  emit() {},
};

function time(label: string, run: () => unknown, iterations = 300): void {
  for (let i = 0; i < 30; i++) run(); // warm up the JIT
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  console.log(`${label}: mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms (${iterations} runs)`);
}

function memory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('memory: run node with --expose-gc to measure');
    return;
  }
  gc();
  const before = process.memoryUsage().heapUsed;
  const events = mapReport(report, config, SILENT);
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  const json = Buffer.byteLength(JSON.stringify(events));
  console.log(
    `memory: ${events.length} events retain ${(retained / 1024).toFixed(0)} KiB of heap; ` +
      `${(json / 1024).toFixed(0)} KiB as JSON (${(json / events.length).toFixed(0)} B per event)`,
  );
}

console.log(`node ${process.version}, one VulnerabilityReport with 1,000 vulnerabilities`);
time('add/sync  mapReport', () => mapReport(report, config, SILENT));
time('update    onEvent (every finding; the host diffs)', () => trivy.onEvent('update', report, ctx));
memory();
