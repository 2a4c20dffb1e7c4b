import type { Logger } from 'pino';
import type { SecretReader } from '../http/webhook-auth.js';
import type { KubeHttp } from '../kube/kube-http.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Runnable } from '../runtime/manager.js';
import { InformerRunner } from './informer-runner.js';

export interface SecretCacheOptions {
  http: KubeHttp;
  metrics: HostMetrics;
  log: Logger;
  /** `namespace/name` refs wanted whatever the Ingesters say (config-file sources). */
  always?: readonly string[];
}

/**
 * Secrets named by webhook auth, each watched on its own (field selector on its name) so a
 * rotated token or HMAC key applies without a restart, and only Secrets we need are read. Runs
 * on every pod (every pod serves webhooks); watches start with `start`, not before.
 */
export class SecretCache implements SecretReader, Runnable {
  readonly name = 'secrets';
  readonly runs = 'always';
  private readonly values = new Map<string, Record<string, string>>();
  private readonly problems = new Map<string, string>();
  private readonly synced = new Set<string>();
  private readonly listeners: ((ref: string) => void)[] = [];
  private readonly watchers = new Map<string, { runner: InformerRunner; abort: AbortController }>();
  private wanted: readonly string[] = [];
  private running = false;

  constructor(private readonly opts: SecretCacheOptions) {}

  read(namespace: string, name: string, key: string): string | undefined {
    return this.values.get(`${namespace}/${name}`)?.[key];
  }

  /** Subscribes to a Secret's availability changing, so Ingester statuses can say so. */
  onChange(listener: (ref: string) => void): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
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

  async start(): Promise<void> {
    this.running = true;
    this.want(this.wanted);
  }

  /** Keeps watching exactly the given `namespace/name` Secrets (and the `always` ones). */
  want(refs: Iterable<string>): void {
    this.wanted = [...refs];
    if (!this.running) return;
    const wanted = new Set([...this.wanted, ...(this.opts.always ?? [])]);
    for (const [ref, w] of this.watchers) {
      if (!wanted.has(ref)) {
        w.abort.abort();
        this.watchers.delete(ref);
        this.values.delete(ref);
        this.problems.delete(ref);
        this.synced.delete(ref);
      }
    }
    for (const ref of wanted) if (!this.watchers.has(ref)) this.watch(ref);
  }

  private changed(ref: string): void {
    for (const l of this.listeners) l(ref);
  }

  private watch(ref: string): void {
    const [namespace, name] = ref.split('/');
    const abort = new AbortController();
    const { log } = this.opts;
    const runner = new InformerRunner({
      http: this.opts.http,
      options: { source: 'webhook-auth', resource: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', fieldSelector: `metadata.name=${name}` }, namespace, stallSeconds: 600 },
      handle: async (type, obj) => {
        if (type === 'delete') this.values.delete(ref);
        else {
          const data = (obj.data ?? {}) as Record<string, string>;
          this.values.set(ref, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8').trim()])));
          log.info({ secret: ref }, 'webhook auth secret loaded');
        }
        this.changed(ref);
        return 'done';
      },
      metrics: this.opts.metrics,
      log,
      onHealth: (h) => {
        if (h.ok) this.problems.delete(ref);
        else this.problems.set(ref, `cannot read Secret ${ref}: ${h.reason}: ${h.message}`);
        this.changed(ref);
      },
      onSynced: () => {
        this.synced.add(ref);
        this.changed(ref);
      },
    });
    runner.start(abort.signal);
    this.watchers.set(ref, { runner, abort });
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.watchers.values()].map((w) => (w.abort.abort(), w.runner.stop())));
    this.watchers.clear();
  }
}
