/**
 * PodCountView counts, per node, the pods that match a predicate, and keeps
 * the counts across scheduling cycles: each cycle it re-counts only the nodes
 * whose NodeInfo generation moved (usually the one that got the last assumed
 * pod), so InterPodAffinity's and PodTopologySpread's PreFilter cost O(nodes)
 * integer compares instead of O(pods) selector matches, as upstream's
 * per-plugin caches do. Aggregates per topology key (sums per label value)
 * are built on first use and then updated with the same deltas.
 */
import type { Pod } from '../../api/types';
import { changeFeedOf } from '../nodeChangeFeed';
import type { NodeInfo } from '../nodeInfo';
import { TopologyCounts } from './topologyCounts';

export class PodCountView {
  private list: readonly NodeInfo[] | undefined;
  private gens = new Float64Array(0);
  /** counts[i] is how many pods of list[i] match. */
  counts = new Int32Array(0);
  private labels: (Record<string, string> | undefined)[] = [];
  private readonly byKey = new Map<string, TopologyCounts>();
  private readonly domainsByKey = new Map<string, Map<string, Domain>>();
  /** seen is how far into the list's change feed the counts are. */
  private seen = 0;
  /** lastUsed is the cycle the view was last refreshed in, for eviction. */
  lastUsed = 0;

  constructor(private readonly matches: (pod: Pod) => boolean) {}

  private count(n: NodeInfo): number {
    let c = 0;
    for (const p of n.pods.values()) if (this.matches(p)) c++;
    return c;
  }

  /** refresh brings the counts up to date with list (the snapshot's node list: a new array means nodes came or went, and everything is recounted). */
  refresh(list: readonly NodeInfo[], cycle: number): void {
    this.lastUsed = cycle;
    const feed = changeFeedOf(list);
    if (list === this.list && feed?.changedSince(this.seen, (i) => this.update(i, list[i]))) {
      this.seen = feed.seq;
      return;
    }
    this.seen = feed?.seq ?? 0;
    if (list !== this.list) {
      this.list = list;
      this.gens = new Float64Array(list.length);
      this.counts = new Int32Array(list.length);
      this.labels = new Array<Record<string, string> | undefined>(list.length);
      for (let i = 0; i < list.length; i++) {
        this.gens[i] = list[i].generation;
        this.counts[i] = this.count(list[i]);
        this.labels[i] = list[i].node.metadata.labels;
      }
      this.byKey.clear();
      this.domainsByKey.clear();
      return;
    }
    for (let i = 0; i < list.length; i++) this.update(i, list[i]);
  }

  /** update re-counts the node at position i if it changed since last counted. */
  private update(i: number, n: NodeInfo): void {
    if (this.gens[i] === n.generation) return;
    const c = this.count(n);
    const labels = n.node.metadata.labels;
    for (const [key, agg] of this.byKey) {
      if (this.counts[i]) agg.add(this.labels[i], key, -this.counts[i]);
      if (c) agg.add(labels, key, c);
    }
    for (const [key, domains] of this.domainsByKey) {
      addToDomain(domains, this.labels[i], key, -1, -this.counts[i]);
      addToDomain(domains, labels, key, 1, c);
    }
    this.gens[i] = n.generation;
    this.counts[i] = c;
    this.labels[i] = labels;
  }

  /** byTopology sums the counts per value of key over the nodes carrying it (pairs with no matching pod are absent). */
  byTopology(key: string): TopologyCounts {
    let agg = this.byKey.get(key);
    if (agg) return agg;
    agg = new TopologyCounts();
    for (let i = 0; i < this.counts.length; i++) if (this.counts[i]) agg.add(this.labels[i], key, this.counts[i]);
    this.byKey.set(key, agg);
    return agg;
  }

  /**
   * domains sums the counts per value of key over the nodes carrying it, as byTopology does, but keeps
   * every value some node carries, matching pods or not (PodTopologySpread's domains), with its node count.
   */
  domains(key: string): ReadonlyMap<string, Domain> {
    let d = this.domainsByKey.get(key);
    if (d) return d;
    d = new Map<string, Domain>();
    for (let i = 0; i < this.counts.length; i++) addToDomain(d, this.labels[i], key, 1, this.counts[i]);
    this.domainsByKey.set(key, d);
    return d;
  }
}

/** Domain is one topology value: how many nodes carry it, and the matching pods on them. */
export interface Domain {
  nodes: number;
  sum: number;
}

function addToDomain(domains: Map<string, Domain>, labels: Record<string, string> | undefined, key: string, nodes: number, sum: number): void {
  const value = labels?.[key];
  if (value === undefined) return;
  let d = domains.get(value);
  if (!d) domains.set(value, (d = { nodes: 0, sum: 0 }));
  d.nodes += nodes;
  d.sum += sum;
  if (d.nodes === 0) domains.delete(value);
}

/** MAX_VIEWS bounds how many predicates a plugin keeps views for; the least recently used go first. */
const MAX_VIEWS = 128;

/** PodCountViews holds a plugin's views by the signature of their predicate, and a cycle counter. */
export class PodCountViews {
  private readonly views = new Map<string, PodCountView>();
  private cycle = 0;

  /** startCycle marks a new PreFilter/PreScore pass; views refreshed in it are the fresh ones. */
  startCycle(): void {
    this.cycle++;
  }

  /** view returns the refreshed view for signature, made with matches when new. */
  view(signature: string, matches: (pod: Pod) => boolean, list: readonly NodeInfo[]): PodCountView {
    let v = this.views.get(signature);
    if (!v) {
      if (this.views.size >= MAX_VIEWS) this.evict();
      v = new PodCountView(matches);
      this.views.set(signature, v);
    }
    if (v.lastUsed !== this.cycle) v.refresh(list, this.cycle);
    return v;
  }

  private evict(): void {
    let oldest: string | undefined;
    let at = Infinity;
    for (const [k, v] of this.views) if (v.lastUsed < at) [oldest, at] = [k, v.lastUsed];
    if (oldest !== undefined) this.views.delete(oldest);
  }
}
