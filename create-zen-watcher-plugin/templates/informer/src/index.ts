/**
 * {{packageName}}: the zen-watcher source plugin "{{pluginName}}", an informer. The host lists
 * and watches the resources below on the leader (restarts, relists, bookmarks are its business)
 * and calls `onEvent` for each change.
 */
import { definePlugin } from '@zen-watcher/sdk';
import { Config } from './config.js';
import { findingOf } from './map-configmap.js';

export { Config } from './config.js';

export default definePlugin({
  name: '{{pluginName}}',
  kind: 'informer',
  description: 'Findings recorded in labelled ConfigMaps',
  // The objects are the findings' lasting record: a relist recovers anything missed.
  semantics: 'state',
  config: Config,
  resources: (config) => [{ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', labelSelector: config.labelSelector }],
  onEvent(type, obj, ctx) {
    // A deleted object is not a new occurrence of its finding.
    if (type === 'delete') return [];
    // add, update and sync: every finding the object holds now. The host writes only those an
    // update adds, and records sync findings without counting them again.
    const event = findingOf(obj, ctx.config);
    if (typeof event === 'string') {
      ctx.metrics.counter('skipped_total', 'Objects that held no finding', ['reason']).inc({ reason: event });
      return [];
    }
    return [event];
  },
});
