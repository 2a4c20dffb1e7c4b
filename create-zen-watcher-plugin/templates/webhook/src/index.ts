/**
 * {{packageName}}: the zen-watcher source plugin "{{pluginName}}", a webhook. The host serves it
 * on POST /ingest/<namespace>/<ingester> (or /ingest/{{pluginName}} for a config-file source),
 * checks auth, size and each finding against its schema, and hands `handle` the valid ones.
 */
import { atLeast, definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { Config } from './config.js';
import { Finding } from './finding.js';
import { toEvent } from './map-finding.js';

export { Config } from './config.js';
export { Finding } from './finding.js';

export default definePlugin({
  name: '{{pluginName}}',
  kind: 'webhook',
  description: 'Findings posted by <your tool>',
  accepts: ['json', 'ndjson'],
  config: Config,
  // One finding, a JSON array of them, or NDJSON lines: each is checked on its own, so a bad one
  // costs only itself (the answer names its index and field) and `handle` gets the valid ones.
  item: Finding,
  handle(findings, ctx) {
    const skipped = ctx.metrics.counter('skipped_total', 'Findings not turned into events', ['reason']);
    const events: SourceEvent[] = [];
    for (const finding of findings) {
      if (!atLeast(finding.severity, ctx.config.minSeverity)) {
        skipped.inc({ reason: 'below_min_severity' });
        continue;
      }
      events.push(toEvent(finding, ctx.config));
    }
    return events;
  },
});
