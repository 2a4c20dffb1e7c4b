/**
 * The generic webhook source: any JSON (object, array or NDJSON) mapped to events by
 * configurable paths and templates; Alertmanager, Flux, CDEvents and the like with a few lines
 * of config, an arbitrary object with none.
 *
 * @packageDocumentation
 */
import { definePlugin, type PluginContext, type SourceEvent } from '@zen-watcher/sdk';
import { alertFormatOf, mapAlert, type AlertFormat } from './alert-payload.js';
import { WebhookBodySchema } from './body.js';
import { compiledFor } from './compiled-config.js';
import { WebhookConfigSchema, type WebhookConfig } from './config.js';
import { countDrop, countUnmappedSeverity } from './drop-counter.js';
import { mapItem, type MapContext } from './map-item.js';
import { getPath } from './path.js';

export { WebhookConfigSchema, type WebhookConfig } from './config.js';
export { WebhookBodySchema, type WebhookBody } from './body.js';
export { alertFormatOf, mapAlert, type AlertFormat } from './alert-payload.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The alert format of a top-level value the config leaves to recognition, if it is one. */
function recognized(root: unknown, mc: MapContext): AlertFormat | undefined {
  return mc.config.recognizeAlerts && !mc.cc.items ? alertFormatOf(root) : undefined;
}

/**
 * The items of one top-level value: the alerts of a recognised notification (`format`, from
 * {@link recognized}), the list at itemsPath, or the value itself.
 */
function itemsOf(root: unknown, format: AlertFormat | undefined, mc: MapContext, ctx: PluginContext<WebhookConfig>): readonly unknown[] {
  if (format) return (root as { alerts: unknown[] }).alerts;
  if (!mc.cc.items) return [root];
  if (!isObject(root) && !Array.isArray(root)) return [root];
  const found = getPath(root, mc.cc.items, root);
  if (Array.isArray(found)) return found;
  if (isObject(found)) return [found];
  countDrop(ctx, 'no_items');
  return [];
}

/**
 * The webhook plugin. Each item becomes one event; items that are not objects, beyond
 * `maxItems`, matched by `ignoreWhen`, resolved alerts of a recognised notification, or too deeply
 * nested to hash are counted on `dropped_total{reason}`. Alertmanager and Grafana notifications
 * are recognised with no config (see `alert-payload.ts`).
 *
 * @example
 * ```ts
 * import webhook from '@zen-watcher/plugin-webhook';
 * import { runWebhook } from '@zen-watcher/sdk/testing';
 * const r = await runWebhook(webhook, { body: { message: 'disk full', severity: 'warning' } });
 * r.events[0].severity; // 'medium'
 * ```
 */
const webhook = definePlugin({
  name: 'webhook',
  kind: 'webhook',
  description: 'Generic JSON webhook (Alertmanager, Flux, CDEvents, anything) with configurable mapping',
  accepts: ['json', 'ndjson'],
  config: WebhookConfigSchema,
  body: WebhookBodySchema,
  start(ctx) {
    // Malformed paths or templates fail the Ingester now, with the field named.
    compiledFor(ctx.config);
  },
  handle(body, ctx, req) {
    const mc: MapContext = { cc: compiledFor(ctx.config), config: ctx.config, instance: ctx.name, receivedAt: req.receivedAt };
    const events: SourceEvent[] = [];
    let seen = 0;
    for (const root of Array.isArray(body) ? body : [body]) {
      const format = recognized(root, mc);
      for (const item of itemsOf(root, format, mc, ctx)) {
        if (++seen > ctx.config.maxItems) {
          countDrop(ctx, 'too_many_items');
          continue;
        }
        if (!isObject(item)) {
          countDrop(ctx, 'not_an_object');
          continue;
        }
        try {
          const outcome = format ? mapAlert(item, root as Record<string, unknown>, format, mc) : mapItem(item, root, mc);
          if ('drop' in outcome) {
            countDrop(ctx, outcome.drop);
            continue;
          }
          if (outcome.unmappedSeverity) countUnmappedSeverity(ctx);
          events.push(outcome.event);
        } catch (err) {
          // One odd item must not cost the others of its request.
          countDrop(ctx, 'error');
          ctx.log.warn({ err }, 'webhook item could not be mapped');
        }
      }
    }
    return events;
  },
});

export default webhook;
