// A steady stream of new findings: every `everyMs`, in each namespace, a small Trivy
// VulnerabilityReport (one vulnerability at medium or above: one finding of a state source) and
// a Warning Event (one finding of an event stream), each about its own workload. Creates are
// not awaited tick by tick, so a slow answer never slows the stream down.
import * as k8s from '@kubernetes/client-node';
import { rawRequest } from '../../test/kube-api/raw-client.ts';
import { reportsPath, vulnerabilitiesAtMedium, vulnerabilityReport } from '../../test/cluster/trivy-reports.ts';

const ONE_FINDING = vulnerabilitiesAtMedium(1);

/** A Warning Event about Pod `pod` in `namespace`, as the kubelet records a crash loop. */
export function warningEvent(namespace: string, name: string, pod: string): k8s.CoreV1Event {
  const now = new Date();
  return {
    metadata: { name, namespace },
    involvedObject: { kind: 'Pod', name: pod, namespace, apiVersion: 'v1' },
    type: 'Warning',
    reason: 'BackOff',
    message: `Back-off restarting failed container app in pod ${pod}`,
    source: { component: 'kubelet', host: 'node-1' },
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
  };
}

export class FindingStream {
  private timer?: NodeJS.Timeout;
  private seq = 0;
  private readonly pending = new Set<Promise<void>>();
  readonly errors: string[] = [];
  /** Source objects created (reports + Events). */
  created = 0;

  private readonly kc: k8s.KubeConfig;
  private readonly namespaces: readonly string[];
  private readonly core: k8s.CoreV1Api;

  constructor(kc: k8s.KubeConfig, namespaces: readonly string[]) {
    this.kc = kc;
    this.namespaces = namespaces;
    this.core = kc.makeApiClient(k8s.CoreV1Api);
  }

  start(everyMs: number): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  /** Stops creating; resolves once every create sent has been answered. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  private tick(): void {
    const i = this.seq++;
    for (const ns of this.namespaces) {
      this.track(`report ${i} in ${ns}`, async () => {
        const res = await rawRequest(this.kc, 'POST', reportsPath(ns), vulnerabilityReport(ns, `r${i}`, ONE_FINDING));
        if (res.status !== 201) throw new Error(`${res.status} ${res.text.slice(0, 200)}`);
      });
      this.track(`event ${i} in ${ns}`, async () => {
        await this.core.createNamespacedEvent({ namespace: ns, body: warningEvent(ns, `e${i}`, `pod-e${i}`) });
      });
    }
  }

  private track(what: string, create: () => Promise<void>): void {
    const p = create()
      .then(() => void this.created++)
      .catch((err: unknown) => void this.errors.push(`${what}: ${String(err)}`))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
}
