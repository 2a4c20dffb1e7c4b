import { atLeast, type SourceEvent } from '@zen-watcher/sdk';
import type { Filters } from '../config/source-spec.js';
import { eventField } from './normalize.js';

/** Why an event was filtered; the `reason` label of `zen_watcher_observations_filtered_total`. */
export type FilterReason = 'min_severity' | 'namespace' | 'kind' | 'event_type' | 'rule';

export type EventFilter = (event: SourceEvent) => FilterReason | undefined;

/**
 * Compiles an Ingester's `spec.filters` (plus its `spec.namespaces`) into one function that
 * returns why an event is filtered, or undefined to keep it. Regexes are compiled once; a bad
 * one is reported by {@link filterProblems} before an Ingester is accepted.
 */
export function compileFilter(filters: Filters | undefined, namespaces: readonly string[] = []): EventFilter {
  const f = filters ?? {};
  const include = new Set([...(f.includeNamespaces ?? []), ...namespaces]);
  const exclude = new Set(f.excludeNamespaces ?? []);
  const kinds = new Set(f.kinds ?? []);
  const excludeKinds = new Set(f.excludeKinds ?? []);
  const types = new Set(f.eventTypes ?? []);
  const excludeTypes = new Set(f.excludeEventTypes ?? []);
  const rules = (f.rules ?? []).map((r) => ({ ...r, values: new Set(r.values ?? []), regex: r.pattern ? new RegExp(r.pattern) : undefined }));
  return (event) => {
    if (f.minSeverity && !atLeast(event.severity, f.minSeverity)) return 'min_severity';
    const ns = event.resource?.namespace;
    // Cluster-scoped findings (no namespace) are never dropped by a namespace filter.
    if (ns !== undefined && ((include.size > 0 && !include.has(ns)) || exclude.has(ns))) return 'namespace';
    const kind = event.resource?.kind;
    if (kinds.size > 0 && (kind === undefined || !kinds.has(kind))) return 'kind';
    if (kind !== undefined && excludeKinds.has(kind)) return 'kind';
    if (types.size > 0 && !types.has(event.eventType)) return 'event_type';
    if (excludeTypes.has(event.eventType)) return 'event_type';
    for (const r of rules) {
      const value = eventField(event, r.field);
      const text = value === undefined || value === null ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
      const matches = text !== undefined && (r.values.has(text) || (r.regex?.test(text) ?? false));
      if (r.action === 'exclude' ? matches : !matches) return 'rule';
    }
    return undefined;
  };
}

/** Problems a person must fix in `spec.filters` (today: regexes that do not compile). */
export function filterProblems(filters: Filters | undefined): string[] {
  const out: string[] = [];
  (filters?.rules ?? []).forEach((r, i) => {
    if (r.pattern !== undefined) {
      try {
        new RegExp(r.pattern);
      } catch (err) {
        out.push(`spec.filters.rules[${i}].pattern: ${(err as Error).message}`);
      }
    }
    if (!r.pattern && !(r.values && r.values.length)) out.push(`spec.filters.rules[${i}]: give values or a pattern`);
  });
  return out;
}
