/** One finding known to the index, shared by every object that yields it. */
interface Finding {
  key: string;
  /** How many watched objects yield it now. */
  refs: number;
}

/** What the index keeps per watched object: its version and the findings it yielded. */
interface Watched {
  resourceVersion: string;
  findings: Finding[];
}

/**
 * What an informer source's watched objects yield, kept instead of the objects: per object its
 * resourceVersion and the findings (keys chosen by the caller, e.g. `namespace/name` of the
 * Observation) it yielded last, and per finding how many objects yield it. That is all a diff
 * needs — which findings of an update are new, which are gone, which objects a relist no longer
 * sees — at about a hundred bytes a finding, whatever the size of the objects.
 *
 * @example
 * ```ts
 * const index = new FindingIndex();
 * index.set('shop/report-a', '41', ['shop/trivy-1', 'shop/trivy-2']); // { added: [both], removed: [] }
 * index.set('shop/report-a', '42', ['shop/trivy-2', 'shop/trivy-3']); // { added: ['shop/trivy-3'], removed: ['shop/trivy-1'] }
 * ```
 */
export class FindingIndex {
  private readonly objects = new Map<string, Watched>();
  private readonly findings = new Map<string, Finding>();

  /** Watched objects known. */
  get size(): number {
    return this.objects.size;
  }

  /** Distinct findings yielded by the objects known. */
  get findingCount(): number {
    return this.findings.size;
  }

  resourceVersion(object: string): string | undefined {
    return this.objects.get(object)?.resourceVersion;
  }

  /** Keys of every object known (for a relist to find the ones that are gone). */
  objectKeys(): IterableIterator<string> {
    return this.objects.keys();
  }

  /** Whether some object yields `finding` now. */
  yields(finding: string): boolean {
    return this.findings.has(finding);
  }

  /**
   * What recording `keys` for `object` would change, without recording it: `added`, findings
   * no object yields now; `removed`, findings only this object yields and no longer does. A
   * caller writes first and records (`set`) once the writes landed, so a retried delivery
   * still sees its findings as new.
   */
  diff(object: string, keys: Iterable<string>): { added: string[]; removed: string[] } {
    const mine = new Set(this.objects.get(object)?.findings.map((f) => f.key));
    const next = new Set(keys);
    const added: string[] = [];
    for (const key of next) if (!mine.has(key) && !this.findings.has(key)) added.push(key);
    const removed: string[] = [];
    for (const key of mine) if (!next.has(key) && this.findings.get(key)!.refs === 1) removed.push(key);
    return { added, removed };
  }

  /** Records what `object` yields now; returns what changed, as {@link diff} says. */
  set(object: string, resourceVersion: string, keys: Iterable<string>): { added: string[]; removed: string[] } {
    const before = this.objects.get(object);
    const next: Finding[] = [];
    const added: string[] = [];
    const mine = new Set<Finding>(before?.findings);
    const kept = new Set<Finding>();
    for (const key of keys) {
      let f = this.findings.get(key);
      if (f && kept.has(f)) continue;
      if (!f) {
        f = { key, refs: 0 };
        this.findings.set(key, f);
      }
      if (!mine.has(f)) {
        if (f.refs === 0) added.push(key);
        f.refs++;
      }
      kept.add(f);
      next.push(f);
    }
    const removed: string[] = [];
    for (const f of mine) if (!kept.has(f)) this.unref(f, removed);
    this.objects.set(object, { resourceVersion, findings: next });
    return { added, removed };
  }

  /** Forgets `object`; returns the findings no object yields any more. */
  delete(object: string): string[] {
    const before = this.objects.get(object);
    if (!before) return [];
    this.objects.delete(object);
    const removed: string[] = [];
    for (const f of before.findings) this.unref(f, removed);
    return removed;
  }

  private unref(f: Finding, removed: string[]): void {
    f.refs--;
    if (f.refs > 0) return;
    this.findings.delete(f.key);
    removed.push(f.key);
  }
}
