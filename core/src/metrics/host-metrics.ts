import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric the host exports, on a registry of its own (never prom-client's global one, so
 * two hosts in one process — tests — do not collide). Names are v1's where v1 had one, so its
 * dashboards and alerts keep working.
 */
export function createHostMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  // Standard names (process_*, nodejs_*): stock Node.js dashboards and alerts query those.
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    isLeader: new Gauge({ name: 'zenwatcher_is_leader', help: '1 when this pod holds the leader Lease, else 0', registers }),
    leaderTransitions: new Counter({
      name: 'zenwatcher_leader_election_transitions_total',
      help: 'Times this pod became or stopped being the leader',
      labelNames: ['direction'],
      registers,
    }),
    failoverDuration: new Histogram({
      name: 'zenwatcher_failover_duration_seconds',
      help: "From the previous holder's last renewal to this pod's leader-only sources running",
      buckets: [0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120],
      registers,
    }),
    watchRestarts: new Counter({
      name: 'zenwatcher_source_watch_restarts_total',
      help: 'Watches restarted, by source, resource and reason',
      labelNames: ['source', 'gvr', 'reason'],
      registers,
    }),
    watchLastEvent: new Gauge({
      name: 'zenwatcher_source_watch_last_event_timestamp_seconds',
      help: 'Unix time of the last event (or bookmark) a watch delivered',
      labelNames: ['source', 'gvr'],
      registers,
    }),
    created: new Counter({
      name: 'zen_watcher_observations_created_total',
      help: 'Observations created',
      labelNames: ['source', 'severity', 'category'],
      registers,
    }),
    merged: new Counter({
      name: 'zen_watcher_observations_merged_total',
      help: 'Events merged into an existing Observation (its count raised)',
      labelNames: ['source'],
      registers,
    }),
    filtered: new Counter({
      name: 'zen_watcher_observations_filtered_total',
      help: 'Events removed by filters, by reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
    deduped: new Counter({
      name: 'zen_watcher_observations_deduped_total',
      help: 'Events absorbed by the dedup cache (counted, written later as a count update)',
      labelNames: ['source'],
      registers,
    }),
    dropped: new Counter({
      name: 'zen_watcher_events_dropped_total',
      help: 'Events lost, by reason; nothing is lost without being counted here',
      labelNames: ['source', 'reason'],
      registers,
    }),
    webhookRequests: new Counter({
      name: 'zen_watcher_webhook_requests_total',
      help: 'Webhook requests by source and HTTP status',
      labelNames: ['source', 'code'],
      registers,
    }),
    webhookDuration: new Histogram({
      name: 'zen_watcher_webhook_request_duration_seconds',
      help: 'Webhook request latency, until the events are written or merged',
      labelNames: ['source'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    webhookAuthFailures: new Counter({
      name: 'zen_watcher_webhook_auth_failures_total',
      help: 'Webhook requests refused with 401, by reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
    queueDepth: new Gauge({ name: 'zen_watcher_write_queue_depth', help: 'Observation writes waiting or in flight', registers }),
    queueCapacity: new Gauge({ name: 'zen_watcher_write_queue_capacity', help: 'Capacity of the write queue', registers }),
    writeDuration: new Histogram({
      name: 'zen_watcher_write_duration_seconds',
      help: 'Latency of Observation writes, by operation',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    writeErrors: new Counter({
      name: 'zen_watcher_write_errors_total',
      help: 'Failed Observation write attempts, by reason (retried unless dropped)',
      labelNames: ['reason'],
      registers,
    }),
    partitionsOwned: new Gauge({ name: 'zenwatcher_partitions_owned', help: 'Informer partitions this pod holds (informers.mode=partitioned)', registers }),
    partitionsUnowned: new Gauge({ name: 'zenwatcher_partitions_unowned', help: 'Informer partitions no pod holds, as this pod sees the Leases', registers }),
    partitionHandoffs: new Counter({
      name: 'zenwatcher_partition_handoffs_total',
      help: 'Partitions this pod took (created, released, expired) or gave up (rebalance, shutdown, renew_deadline, conflict)',
      labelNames: ['reason'],
      registers,
    }),
    partitionHandoffDuration: new Histogram({
      name: 'zenwatcher_partition_handoff_duration_seconds',
      help: "From the previous holder's last renewal of a partition to this pod taking it",
      buckets: [0.25, 0.5, 1, 2, 5, 10, 15, 20, 30, 60],
      registers,
    }),
    kubeApiReachable: new Gauge({
      name: 'zen_watcher_kube_api_reachable',
      help: '1 while the Kubernetes API server answers, 0 while it is unreachable (webhooks then get 503 with Retry-After)',
      registers,
    }),
    kubeApiOutages: new Counter({ name: 'zen_watcher_kube_api_unreachable_total', help: 'Times the Kubernetes API server became unreachable', registers }),
    gcDeleted: new Counter({ name: 'zen_watcher_gc_deleted_total', help: 'Expired Observations deleted by GC', registers }),
    ingesters: new Gauge({ name: 'zen_watcher_ingesters', help: 'Ingesters known to this pod, by state', labelNames: ['state'], registers }),
  };
}

export type HostMetrics = ReturnType<typeof createHostMetrics>;
