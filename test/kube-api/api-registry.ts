// Which group/version/resource triples are served right now: the built-ins plus whatever the
// established CRDs add. Discovery and routing both read it.
import type { ResourceType } from './resource-types.ts';

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, then others by name. */
export function compareKubeVersions(a: string, b: string): number {
  const ma = KUBE_VERSION.exec(a);
  const mb = KUBE_VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const stage = (m: RegExpExecArray): number => (m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0);
  if (stage(ma) !== stage(mb)) return stage(mb) - stage(ma);
  if (ma[1] !== mb[1]) return Number(mb[1]) - Number(ma[1]);
  return Number(mb[3] ?? 0) - Number(ma[3] ?? 0);
}

export class ApiRegistry {
  private types = new Map<string, ResourceType>();

  private static key(group: string, version: string, plural: string): string {
    return `${group}/${version}/${plural}`;
  }

  add(t: ResourceType): void {
    this.types.set(ApiRegistry.key(t.group, t.version, t.plural), t);
  }

  remove(t: ResourceType): void {
    this.types.delete(ApiRegistry.key(t.group, t.version, t.plural));
  }

  removeWhere(pred: (t: ResourceType) => boolean): void {
    for (const [k, t] of this.types) if (pred(t)) this.types.delete(k);
  }

  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(ApiRegistry.key(group, version, plural));
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  inGroupVersion(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  /** Groups in registration order (built-ins first), each with its versions by priority. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.types.values()) {
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    for (const vs of out.values()) vs.sort(compareKubeVersions);
    return out;
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups().get(group)?.includes(version) ?? false;
  }
}
