/**
 * TopologyCounts counts per topology pair (a node label key and value), as
 * InterPodAffinity's topologyToMatchedTermCount: nested maps so that a lookup
 * by a node's label allocates nothing. Filter's counts drop a pair when it
 * reaches zero; scoring's keep it (keepZeros), as upstream's scoreMap does.
 */
export class TopologyCounts {
  private readonly byKey = new Map<string, Map<string, number>>();
  /** keyList is byKey's keys as an array, made when first read after a key came or went: Filter walks it for every node. */
  private keyList?: string[];
  /** size is how many pairs are held. */
  size = 0;

  constructor(private readonly keepZeros = false) {}

  get(key: string, value: string): number {
    return this.byKey.get(key)?.get(value) ?? 0;
  }

  /** add adds delta to the pair (key, the node's value for key); a node without the label counts nowhere. */
  add(labels: Record<string, string> | undefined, key: string, delta: number): void {
    const value = labels?.[key];
    if (value === undefined) return;
    this.addPair(key, value, delta);
  }

  addPair(key: string, value: string, delta: number): void {
    let values = this.byKey.get(key);
    if (!values) {
      this.byKey.set(key, (values = new Map<string, number>()));
      this.keyList = undefined;
    }
    const was = values.get(value) ?? 0;
    const now = was + delta;
    if (now === 0 && !this.keepZeros) {
      if (values.delete(value)) this.size--;
      if (values.size === 0 && this.byKey.delete(key)) this.keyList = undefined;
      return;
    }
    if (!values.has(value)) this.size++;
    values.set(value, now);
  }

  /** anyPositive is true when one of the node's labels names a pair with a positive count (satisfyExistingPodsAntiAffinity's walk over the node's labels). */
  anyPositive(labels: Record<string, string> | undefined): boolean {
    if (this.size === 0 || !labels) return false;
    for (const [key, values] of this.byKey) {
      const v = labels[key];
      if (v !== undefined && (values.get(v) ?? 0) > 0) return true;
    }
    return false;
  }

  /** keys lists the topology keys held (the array is shared: read it, do not change it). */
  keys(): readonly string[] {
    return (this.keyList ??= [...this.byKey.keys()]);
  }

  /** sumFor adds up the counts of the pairs among labels (InterPodAffinity's Score). */
  sumFor(labels: Record<string, string> | undefined): number {
    if (!labels) return 0;
    let sum = 0;
    for (const [key, values] of this.byKey) {
      const v = labels[key];
      if (v !== undefined) sum += values.get(v) ?? 0;
    }
    return sum;
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts(this.keepZeros);
    for (const [key, values] of this.byKey) c.byKey.set(key, new Map(values));
    c.size = this.size;
    return c;
  }

  /** entries lists the pairs, for tests and the decision view. */
  entries(): [string, string, number][] {
    const out: [string, string, number][] = [];
    for (const [key, values] of this.byKey) for (const [value, n] of values) out.push([key, value, n]);
    return out.sort((a, b) => (a[0] + a[1] < b[0] + b[1] ? -1 : 1));
  }
}

/**
 * CountsSum is counts shared across cycles (views, read-only here) plus this
 * cycle's own changes (AddPod/RemovePod of preemption and nominated pods),
 * read as their sum per topology pair.
 */
export class CountsSum {
  constructor(readonly parts: readonly TopologyCounts[], readonly delta = new TopologyCounts()) {}

  get(key: string, value: string): number {
    let sum = this.delta.size === 0 ? 0 : this.delta.get(key, value);
    for (let i = 0; i < this.parts.length; i++) sum += this.parts[i].get(key, value);
    return sum;
  }

  /** isEmpty is true when every pair sums to zero (len(map) == 0 upstream, which drops zero pairs). */
  isEmpty(): boolean {
    // Shared parts hold positive counts only: without changes of its own the sum is empty when they all are.
    if (this.delta.size === 0) return this.parts.every((p) => p.size === 0);
    for (const c of [...this.parts, this.delta]) for (const [k, v] of c.entries()) if (this.get(k, v) !== 0) return false;
    return true;
  }

  /** anyPositive is true when one of the node's labels names a pair whose sum is positive. */
  anyPositive(labels: Record<string, string> | undefined): boolean {
    if (!labels) return false;
    for (let i = 0; i <= this.parts.length; i++) {
      const c = i < this.parts.length ? this.parts[i] : this.delta;
      if (c.size === 0) continue;
      const keys = c.keys();
      for (let j = 0; j < keys.length; j++) {
        const v = labels[keys[j]];
        if (v !== undefined && this.get(keys[j], v) > 0) return true;
      }
    }
    return false;
  }

  /** with returns a copy whose own changes add delta to the pair (key, the node's value for key). */
  with(changes: (delta: TopologyCounts) => void): CountsSum {
    const d = this.delta.clone();
    changes(d);
    return new CountsSum(this.parts, d);
  }
}
