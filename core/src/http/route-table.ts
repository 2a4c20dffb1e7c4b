import type { SourceInstance } from '../runtime/source-instance.js';

/**
 * Webhook paths → source instances. Routes change at run time (Ingesters come and go), which
 * fastify's router cannot do after listen, so one `/ingest/*` route dispatches through this.
 */
export class RouteTable {
  private readonly routes = new Map<string, SourceInstance>();

  get(path: string): SourceInstance | undefined {
    return this.routes.get(normalize(path));
  }

  /** The instance holding `path`, other than `id`, if any. */
  holder(path: string, id?: string): SourceInstance | undefined {
    const current = this.routes.get(normalize(path));
    return current && current.id !== id ? current : undefined;
  }

  set(instance: SourceInstance): void {
    if (instance.webhookPath) this.routes.set(normalize(instance.webhookPath), instance);
  }

  /** Removes the route of `instance` if it still holds it. */
  remove(instance: SourceInstance): void {
    if (!instance.webhookPath) return;
    const p = normalize(instance.webhookPath);
    if (this.routes.get(p) === instance) this.routes.delete(p);
  }

  paths(): string[] {
    return [...this.routes.keys()].sort();
  }
}

function normalize(path: string): string {
  const p = path.split('?')[0];
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}
