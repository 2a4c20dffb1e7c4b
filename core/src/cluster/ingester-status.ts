import type { Logger } from 'pino';
import { KubeApiError, type KubeHttp } from '../kube/kube-http.js';
import type { Runnable } from '../runtime/manager.js';
import { WorkQueue } from '../runtime/work-queue.js';
import type { IngesterCondition, IngesterController, IngesterObject, IngesterState } from './ingester-controller.js';
import type { RunnerHealth } from './informer-runner.js';
import type { SecretCache } from './secret-cache.js';

export interface IngesterStatusOptions {
  http: KubeHttp;
  controller: IngesterController;
  secrets: SecretCache;
  podName: string;
  /** Partitioned mode: the pods running informer sources (all that own partitions). */
  activePods?: () => string[] | undefined;
  log: Logger;
}

const seconds = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The leader writes each Ingester's status: a Ready condition with a reason a person can act
 * on, observedGeneration, the webhook path, the pod running its informer, and a Kubernetes
 * Event when the condition changes. Keys come from a workqueue: a failed write is retried with
 * backoff (not left until the next change), and one slow Ingester does not hold up the others.
 */
export class IngesterStatusWriter implements Runnable {
  readonly name = 'ingester-status';
  readonly runs = 'leader';
  private queue?: WorkQueue;
  private poll?: NodeJS.Timeout;
  /** What was last written per Ingester, so an unchanged status costs no request. */
  private readonly written = new Map<string, string>();

  constructor(private readonly opts: IngesterStatusOptions) {}

  /** Queues a status write for `id` (no-op unless leading). */
  changed(id: string): void {
    this.queue?.add(id);
  }

  async start(): Promise<void> {
    // A new leader (re)writes every status: what the last one wrote may be stale.
    this.written.clear();
    this.queue = new WorkQueue((id) => this.reconcile(id), {
      workers: 4,
      onError: (id, err, attempt) => this.opts.log.warn({ err, ingester: id, attempt }, 'could not write Ingester status; retrying with backoff'),
    });
    for (const id of this.opts.controller.ids()) this.queue.add(id);
    if (this.opts.activePods) {
      // Which pods run the informers changes with partition handoffs, not with Ingesters.
      let last = this.opts.activePods()?.join(',');
      this.poll = setInterval(() => {
        const now = this.opts.activePods?.()?.join(',');
        if (now === last) return;
        last = now;
        for (const id of this.opts.controller.ids()) if (this.opts.controller.state(id)?.informer) this.queue?.add(id);
      }, 2000);
      this.poll.unref();
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.poll);
    const q = this.queue;
    this.queue = undefined;
    await q?.stop();
  }

  private async reconcile(id: string): Promise<void> {
    const s = this.opts.controller.state(id);
    if (!s) {
      this.written.delete(id);
      return;
    }
    const { condition, body, ok } = this.desired(id, s);
    const key = JSON.stringify({ ...body.status, conditions: [{ ...condition, lastTransitionTime: undefined }] });
    if (this.written.get(id) === key) return;
    const previous = s.obj.status?.conditions?.find((c) => c.type === 'Ready');
    const transitioned = !previous || previous.status !== condition.status || previous.reason !== condition.reason;
    const { namespace, name } = s.obj.metadata as { namespace: string; name: string };
    try {
      await this.opts.http.request({
        method: 'PATCH',
        path: `/apis/zen.kube-zen.io/v1alpha1/namespaces/${namespace}/ingesters/${name}/status`,
        body,
        contentType: 'application/merge-patch+json',
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return; // deleted meanwhile
      throw err;
    }
    this.written.set(id, key);
    s.obj = { ...s.obj, status: { ...s.obj.status, conditions: [condition] } };
    if (transitioned) await this.recordEvent(s.obj, ok, condition.reason, condition.message);
  }

  private desired(id: string, s: IngesterState) {
    const secret = this.opts.controller.secretOf(id, s);
    const secretProblem = secret ? this.opts.secrets.problem(secret.ref, secret.key) : undefined;
    const health: RunnerHealth | undefined = secretProblem ? { ok: false, reason: 'SecretUnavailable', message: `${secretProblem}; requests are refused with 401` } : s.health;
    const healthy = health === undefined || health.ok;
    const ok = s.ok && healthy;
    const reason = !s.ok ? s.reason : healthy ? 'Accepted' : health!.reason!;
    const message = !s.ok ? s.message : healthy ? s.message : health!.message!;
    const generation = s.obj.metadata?.generation;
    const previous = s.obj.status?.conditions?.find((c) => c.type === 'Ready');
    const status = ok ? 'True' : 'False';
    const condition: IngesterCondition = {
      type: 'Ready',
      status,
      reason,
      message: message.slice(0, 32_000),
      lastTransitionTime: previous && previous.status === status ? previous.lastTransitionTime : seconds(),
      observedGeneration: generation,
    };
    // Leader mode: the leader. Partitioned: every pod owning partitions (`zw-0,zw-1,zw-2`).
    const pods = this.opts.activePods?.();
    const activeOn = s.informer && s.ok ? (pods ? pods.join(',') || null : this.opts.podName || null) : null;
    const body = { status: { observedGeneration: generation, conditions: [condition], webhookPath: s.webhookPath ?? null, activeOn } };
    return { condition, body, ok };
  }

  /** A Kubernetes Event on the Ingester, so `kubectl describe ingester` tells its story. */
  private async recordEvent(obj: IngesterObject, ok: boolean, reason: string, message: string): Promise<void> {
    const now = seconds();
    const { namespace, name, uid } = obj.metadata as { namespace: string; name: string; uid?: string };
    try {
      await this.opts.http.request({
        method: 'POST',
        path: `/api/v1/namespaces/${namespace}/events`,
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${name}.`, namespace },
          involvedObject: { apiVersion: 'zen.kube-zen.io/v1alpha1', kind: 'Ingester', name, namespace, uid },
          type: ok ? 'Normal' : 'Warning',
          reason,
          message: message.slice(0, 1024),
          source: { component: 'zen-watcher', host: this.opts.podName || undefined },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (err) {
      this.opts.log.debug({ err }, 'could not record an Event on the Ingester');
    }
  }
}
