import type { Severity } from '@zen-watcher/sdk';
import type { WebhookConfig } from './config.js';
import { parseAlternatives, parsePath, type Path } from './path.js';
import { severityLookup } from './severity-map.js';
import { compileTemplate, type Template } from './template.js';

/** The configuration with every path and template parsed once. */
export interface CompiledConfig {
  readonly items?: Path;
  readonly title: Template;
  readonly description: Template;
  readonly severity: readonly Path[];
  readonly severityMap: ReadonlyMap<string, Severity>;
  readonly category: readonly Path[];
  readonly eventType: readonly Path[];
  readonly detectedAt: readonly Path[];
  readonly resource: Readonly<Record<'apiVersion' | 'kind' | 'name' | 'namespace', readonly Path[]>>;
  readonly dedup: readonly (readonly Path[])[];
  readonly ignoreWhen: readonly { paths: readonly Path[]; values: ReadonlySet<string> }[];
  readonly details: readonly { key: string; paths: readonly Path[] }[];
}

const cache = new WeakMap<object, CompiledConfig>();

/** Parses `source`, naming the config field in the error when it is malformed. */
function at<T>(field: string, source: string, parse: (s: string) => T): T {
  try {
    return parse(source);
  } catch (err) {
    throw new Error(`webhook config ${field}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Compiles a configuration; throws an `Error` naming the field (`webhook config title: unclosed
 * "{{" ...`) when a path or template is malformed. Called from `start`, so a bad Ingester fails
 * with that message before any request.
 *
 * @example
 * ```ts
 * compileConfig({ ...config, itemsPath: 'alerts[' }); // throws: webhook config itemsPath: bad [...] ...
 * ```
 */
export function compileConfig(config: WebhookConfig): CompiledConfig {
  const alt = (field: string, source: string) => at(field, source, parseAlternatives);
  return {
    items: config.itemsPath.trim() === '' ? undefined : at('itemsPath', config.itemsPath, parsePath),
    title: at('title', config.title, compileTemplate),
    description: at('description', config.description, compileTemplate),
    severity: alt('severityPath', config.severityPath),
    severityMap: severityLookup(config.severityMap),
    category: alt('categoryPath', config.categoryPath),
    eventType: alt('eventTypePath', config.eventTypePath),
    detectedAt: alt('detectedAtPath', config.detectedAtPath),
    resource: {
      apiVersion: alt('resource.apiVersion', config.resource.apiVersion),
      kind: alt('resource.kind', config.resource.kind),
      name: alt('resource.name', config.resource.name),
      namespace: alt('resource.namespace', config.resource.namespace),
    },
    dedup: config.dedupFields.map((p, i) => alt(`dedupFields[${i}]`, p)),
    ignoreWhen: config.ignoreWhen.map((w, i) => ({
      paths: alt(`ignoreWhen[${i}].path`, w.path),
      values: new Set(w.values.map((v) => v.trim().toLowerCase())),
    })),
    details: config.detailsPaths.map((p, i) => ({ key: p, paths: alt(`detailsPaths[${i}]`, p) })),
  };
}

/**
 * The compiled form of a (frozen) configuration, compiled on first use and kept while the
 * configuration object lives.
 *
 * @example
 * ```ts
 * const cc = compiledFor(ctx.config);
 * ```
 */
export function compiledFor(config: WebhookConfig): CompiledConfig {
  let cc = cache.get(config);
  if (!cc) {
    cc = compileConfig(config);
    cache.set(config, cc);
  }
  return cc;
}
