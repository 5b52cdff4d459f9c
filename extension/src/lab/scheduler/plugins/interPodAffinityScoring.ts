/**
 * InterPodAffinity's scoring, as upstream's scoring.go: per topology pair, the
 * weights of the terms that match on either side — the incoming pod's
 * preferred affinity (+weight) and anti-affinity (−weight) for each placed pod
 * they match; placed pods' required affinity (×hardPodAffinityWeight),
 * preferred affinity (+) and anti-affinity (−) that match the incoming pod.
 * Score adds up the pairs of a node's labels; NormalizeScore maps the range of
 * scores onto 0..100. The sums come from views kept across cycles: the
 * incoming pod's terms count placed pods per node, and placed pods' terms are
 * grouped by term with their weights already summed per pair.
 */
import type { Node, Pod } from '../../api/types';
import { interPodAffinityOf } from '../../api/podAffinity';
import { mergedInfo, namespaceLabelsOf, termMatches } from '../affinityTerms';
import { type CycleState, MAX_NODE_SCORE, SUCCESS, type Status, skip } from '../framework/interfaces';
import { InterPodAffinity } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import type { SharedListers } from '../sharedListers';
import type { Caches } from './interPodAffinity';
import { termSignature } from './termIndex';
import type { TopologyCounts } from './topologyCounts';

const PRE_SCORE_STATE_KEY = `PreScore${InterPodAffinity}`;

/** PreScoreState is the weighted counts whose sum, per pair, is the topology score. */
export interface PreScoreState {
  parts: { counts: TopologyCounts; weight: number }[];
}

/**
 * interPodAffinityPreScore builds the state; Skip when nothing can score
 * (and, with ignorePreferredTermsOfExistingPods, when the incoming pod has no
 * preferred terms of its own).
 */
export function interPodAffinityPreScore(state: CycleState, pod: Pod, allNodes: readonly NodeInfo[], ignorePreferredTermsOfExistingPods: boolean, listers: SharedListers | undefined, caches: Caches, noAffinity = false): Status {
  const a = interPodAffinityOf(pod);
  const hasConstraints = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0 || (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
  if (ignorePreferredTermsOfExistingPods && !hasConstraints) return skip(InterPodAffinity);
  const parts: PreScoreState['parts'] = [];
  if (hasConstraints) {
    const incoming = mergedInfo(pod, listers);
    caches.views.startCycle();
    // The incoming pod's namespace selectors are merged into its namespaces: no namespace labels needed for its terms.
    for (const [terms, sign] of [[incoming.preferredAffinityTerms, 1], [incoming.preferredAntiAffinityTerms, -1]] as const) {
      for (const t of terms) {
        const counts = caches.views.view(`one:${termSignature(t)}`, (p) => termMatches(t, p, undefined), allNodes).byTopology(t.topologyKey);
        if (counts.size) parts.push({ counts, weight: sign * t.weight });
      }
    }
  }
  if (!ignorePreferredTermsOfExistingPods) {
    const nsLabels = namespaceLabelsOf(listers, pod.metadata.namespace ?? '');
    caches.scoring.refresh(allNodes, noAffinity);
    for (const g of caches.scoring.groups.values()) if (g.counts.size && termMatches(g.term, pod, nsLabels)) parts.push({ counts: g.counts, weight: 1 });
  }
  if (parts.length === 0) return skip(InterPodAffinity);
  state.set(PRE_SCORE_STATE_KEY, { parts } satisfies PreScoreState);
  return SUCCESS;
}

/** interPodAffinityScore sums the node's pairs; positive for affinity, negative for anti-affinity. */
export function interPodAffinityScore(state: CycleState, node: Node): number {
  const s = state.get(PRE_SCORE_STATE_KEY) as PreScoreState | undefined;
  if (!s) return 0;
  let score = 0;
  for (const p of s.parts) score += p.weight * p.counts.sumFor(node.metadata.labels);
  return score;
}

/** normalizeInterPodAffinityScores maps [min, max] onto [0, 100] (all 0 when every node scored the same). */
export function normalizeInterPodAffinityScores(state: CycleState, scores: { score: number }[]): void {
  const s = state.get(PRE_SCORE_STATE_KEY) as PreScoreState | undefined;
  if (!s || s.parts.length === 0) return;
  let min = Infinity;
  let max = -Infinity;
  for (const x of scores) {
    if (x.score > max) max = x.score;
    if (x.score < min) min = x.score;
  }
  const diff = max - min;
  for (const x of scores) x.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((x.score - min) / diff)) : 0;
}
