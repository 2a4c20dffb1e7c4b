import type { Logger } from 'pino';
import type { SecretReader } from '../http/webhook-auth.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import { InformerRunner } from './informer-runner.js';
import type { KubeHttp } from './kube-http.js';

/**
 * Secrets named by webhook auth, each watched on its own (field selector on its name) so a
 * rotated token or HMAC key applies without a restart, and only Secrets we need are read.
 */
export class SecretCache implements SecretReader {
  private readonly values = new Map<string, Record<string, string>>();
  private readonly problems = new Map<string, string>();
  private readonly synced = new Set<string>();
  /** Called when a Secret's availability changes, so Ingester statuses can say so. */
  onChange: (ref: string) => void = () => undefined;
  private readonly watchers = new Map<string, { runner: InformerRunner; abort: AbortController }>();

  /** `always`: `namespace/name` refs wanted whatever the Ingesters say (config-file sources). */
  constructor(
    private readonly http: KubeHttp,
    private readonly metrics: HostMetrics,
    private readonly log: Logger,
    private readonly always: readonly string[] = [],
  ) {
    if (always.length > 0) this.want([]);
  }

  read(namespace: string, name: string, key: string): string | undefined {
    return this.values.get(`${namespace}/${name}`)?.[key];
  }

  /** Why `namespace/name`'s `key` cannot be used, once its watch has reported; else undefined. */
  problem(ref: string, key: string): string | undefined {
    const p = this.problems.get(ref);
    if (p) return p;
    if (!this.synced.has(ref)) return undefined;
    const v = this.values.get(ref);
    if (!v) return `Secret ${ref} does not exist`;
    if (!(key in v)) return `Secret ${ref} has no key "${key}"`;
    return undefined;
  }

  /** Keeps watching exactly the given `namespace/name` Secrets. */
  want(refs: Iterable<string>): void {
    const wanted = new Set([...refs, ...this.always]);
    for (const [ref, w] of this.watchers) {
      if (!wanted.has(ref)) {
        w.abort.abort();
        this.watchers.delete(ref);
        this.values.delete(ref);
        this.problems.delete(ref);
        this.synced.delete(ref);
      }
    }
    for (const ref of wanted) {
      if (this.watchers.has(ref)) continue;
      const [namespace, name] = ref.split('/');
      const abort = new AbortController();
      const runner = new InformerRunner(
        this.http,
        { source: 'webhook-auth', resource: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', fieldSelector: `metadata.name=${name}` }, namespace, stallSeconds: 600 },
        async (type, obj) => {
          if (type === 'delete') {
            this.values.delete(ref);
            this.onChange(ref);
            return;
          }
          const data = (obj.data ?? {}) as Record<string, string>;
          this.values.set(ref, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8').trim()])));
          this.log.info({ secret: ref }, 'webhook auth secret loaded');
          this.onChange(ref);
        },
        this.metrics,
        this.log,
        (h) => {
          if (h.ok) this.problems.delete(ref);
          else this.problems.set(ref, `cannot read Secret ${ref}: ${h.reason}: ${h.message}`);
          this.onChange(ref);
        },
        () => {
          this.synced.add(ref);
          this.onChange(ref);
        },
      );
      runner.start(abort.signal);
      this.watchers.set(ref, { runner, abort });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((w) => (w.abort.abort(), w.runner.stop())));
    this.watchers.clear();
  }
}
