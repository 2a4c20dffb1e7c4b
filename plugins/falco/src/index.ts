/**
 * The falco source: Falco alerts posted by Falco's `http_output` (with `json_output: true`) or
 * forwarded by falcosidekick's webhook output, one alert, a JSON array or NDJSON per request.
 *
 * @packageDocumentation
 */
import { definePlugin, type SourceEvent } from '@zen-watcher/sdk';
import { FalcoAlertSchema } from './body.js';
import { FalcoConfigSchema } from './config.js';
import { countDrop } from './drop-counter.js';
import { mapAlert } from './map-alert.js';
import { atLeastPriority, parsePriority } from './priority.js';

export { FalcoConfigSchema, DEFAULT_DEDUP_FIELDS, type FalcoConfig } from './config.js';
export { FalcoAlertSchema, FalcoBodySchema, type FalcoAlert, type FalcoBody } from './body.js';
export { PRIORITIES, type Priority } from './priority.js';

/**
 * The falco plugin. Every alert at or above `minPriority` becomes one event; the others, and
 * alerts of an unknown priority, are counted on `dropped_total{reason}`.
 *
 * @example
 * ```ts
 * import falco from '@zen-watcher/plugin-falco';
 * import { runWebhook } from '@zen-watcher/sdk/testing';
 * const r = await runWebhook(falco, { config: { minPriority: 'warning' }, body: alert });
 * ```
 */
const falco = definePlugin({
  name: 'falco',
  kind: 'webhook',
  description: 'Falco runtime and k8saudit alerts (http_output, falcosidekick webhook)',
  accepts: ['json', 'ndjson'],
  config: FalcoConfigSchema,
  // Each alert is checked on its own: a malformed one is left out (counted), not the batch.
  item: FalcoAlertSchema,
  handle(alerts, ctx, req) {
    const events: SourceEvent[] = [];
    for (const alert of alerts) {
      try {
        const priority = parsePriority(alert.priority);
        if (!priority) {
          countDrop(ctx, 'unknown_priority');
          ctx.log.debug({ priority: alert.priority.slice(0, 32) }, 'alert of unknown priority dropped');
          continue;
        }
        if (!atLeastPriority(priority, ctx.config.minPriority)) {
          countDrop(ctx, 'below_min_priority');
          continue;
        }
        events.push(mapAlert(alert, priority, ctx.config, req.receivedAt));
      } catch (err) {
        // One malformed alert must not cost the rest of the batch.
        countDrop(ctx, 'error');
        ctx.log.warn({ err, rule: String(alert.rule).slice(0, 128) }, 'alert could not be mapped');
      }
    }
    return events;
  },
});

export default falco;
