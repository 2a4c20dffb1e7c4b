/**
 * {{packageName}}: the zen-watcher source plugin "{{pluginName}}", a webhook. The host serves it
 * on POST /ingest/<namespace>/<ingester> (or /ingest/{{pluginName}} for a config-file source),
 * checks auth, size and the body schema, and hands `handle` a typed body.
 */
import { atLeast, definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { Body } from './body.js';
import { Config } from './config.js';
import { toEvent } from './map-finding.js';

export { Body, Finding } from './body.js';
export { Config } from './config.js';

export default definePlugin({
  name: '{{pluginName}}',
  kind: 'webhook',
  description: 'Findings posted by <your tool>',
  accepts: ['json', 'ndjson'],
  config: Config,
  body: Body,
  handle(body, ctx) {
    const skipped = ctx.metrics.counter('skipped_total', 'Findings not turned into events', ['reason']);
    const events: SourceEvent[] = [];
    for (const finding of Array.isArray(body) ? body : [body]) {
      if (!atLeast(finding.severity, ctx.config.minSeverity)) {
        skipped.inc({ reason: 'below_min_severity' });
        continue;
      }
      events.push(toEvent(finding, ctx.config));
    }
    return events;
  },
});
