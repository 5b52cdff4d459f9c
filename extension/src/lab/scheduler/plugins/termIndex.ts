/**
 * TermIndex groups the affinity terms that placed pods carry (one kind of
 * term per index: required anti-affinity for Filter, the weighted terms for
 * Score) by term — same topology key, namespaces and selectors — with, per
 * term, the summed weights of such pods in each topology pair. InterPodAffinity
 * then matches the incoming pod once per distinct term instead of once per
 * placed pod. Like PodCountView it re-reads only the nodes whose generation
 * moved since the last cycle.
 */
import type { AffinityTerm } from '../affinityTerms';
import { changeFeedOf } from '../nodeChangeFeed';
import type { NodeInfo } from '../nodeInfo';
import { TopologyCounts } from './topologyCounts';

/** termSignature names a term by everything that decides what it matches and where. */
export function termSignature(t: AffinityTerm): string {
  return JSON.stringify([t.topologyKey, [...t.namespaces].sort(), t.selector ?? null, t.namespaceSelector ?? null]);
}

/** IndexedTerm is one term a node's pod carries, with the weight it counts for. */
export interface IndexedTerm {
  signature: string;
  term: AffinityTerm;
  weight: number;
}

interface Group {
  term: AffinityTerm;
  /** counts holds, per pair, the summed weights of the pods carrying the term. */
  counts: TopologyCounts;
  pods: number;
}

export class TermIndex {
  private list: readonly NodeInfo[] | undefined;
  private gens = new Float64Array(0);
  private contributions: { labels: Record<string, string> | undefined; terms: IndexedTerm[] }[] = [];
  readonly groups = new Map<string, Group>();
  /** seen is how far into the list's change feed the groups are. */
  private seen = 0;

  /** read lists the terms the pods of a node carry. */
  constructor(private readonly read: (n: NodeInfo) => IndexedTerm[]) {}

  private apply(labels: Record<string, string> | undefined, terms: readonly IndexedTerm[], delta: number): void {
    for (const c of terms) {
      let g = this.groups.get(c.signature);
      if (!g) this.groups.set(c.signature, (g = { term: c.term, counts: new TopologyCounts(), pods: 0 }));
      g.pods += delta;
      g.counts.add(labels, c.term.topologyKey, c.weight * delta);
      if (g.pods === 0) this.groups.delete(c.signature);
    }
  }

  /** refresh brings the groups up to date with the snapshot's node list; none means no node holds a pod with such terms (the snapshot's affinity lists say so). */
  refresh(list: readonly NodeInfo[], none = false): void {
    if (none) {
      this.list = undefined;
      this.groups.clear();
      return;
    }
    const feed = changeFeedOf(list);
    if (list === this.list && feed?.changedSince(this.seen, (i) => this.update(i, list[i]))) {
      this.seen = feed.seq;
      return;
    }
    this.seen = feed?.seq ?? 0;
    if (list !== this.list) {
      this.list = list;
      this.groups.clear();
      this.gens = new Float64Array(list.length);
      this.contributions = list.map((n, i) => {
        this.gens[i] = n.generation;
        const c = { labels: n.node.metadata.labels, terms: this.read(n) };
        this.apply(c.labels, c.terms, 1);
        return c;
      });
      return;
    }
    for (let i = 0; i < list.length; i++) this.update(i, list[i]);
  }

  /** update re-reads the node at position i if it changed since last read. */
  private update(i: number, n: NodeInfo): void {
    if (this.gens[i] === n.generation) return;
    const old = this.contributions[i];
    if (old.terms.length) this.apply(old.labels, old.terms, -1);
    const next = { labels: n.node.metadata.labels, terms: this.read(n) };
    this.apply(next.labels, next.terms, 1);
    this.contributions[i] = next;
    this.gens[i] = n.generation;
  }
}
