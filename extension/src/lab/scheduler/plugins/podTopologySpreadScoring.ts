/**
 * PodTopologySpread's scoring, as upstream's scoring.go: PreScore counts, for
 * each soft (ScheduleAnyway) constraint, the matching pods per domain among
 * the domains of the feasible nodes, and weighs each constraint by the log of
 * its number of domains; Score gives a node the weighted counts of its domains
 * (its own pods for hostname) plus maxSkew−1; NormalizeScore turns fewer into
 * better on 0..100, nodes missing a topology key scoring 0.
 */
import type { Pod } from '../../api/types';
import { type CycleState, MAX_NODE_SCORE, SUCCESS, type Status, skip } from '../framework/interfaces';
import { PodTopologySpread } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { PodCountViews } from './podCountViews';
import {
  LABEL_HOSTNAME, type SpreadConstraint, type Spreading, buildDefaultConstraints, countPodsMatchSelector, filterTopologySpreadConstraints,
  matchNodeInclusionPolicies, nodeLabelsMatchSpreadConstraints, podConstraints, spreadView,
} from './podTopologySpreadConstraints';

const PRE_SCORE_STATE_KEY = `PreScore${PodTopologySpread}`;

/** PreScoreState is what Score reads. */
export interface PreScoreState {
  constraints: SpreadConstraint[];
  /** ignoredNodes miss a topology key and score 0. */
  ignoredNodes: Set<string>;
  /** topologyValueToPodCounts, per constraint, counts matching pods per domain of the feasible nodes (hostname aside: counted in Score). */
  topologyValueToPodCounts: Map<string, number>[];
  topologyNormalizingWeight: number[];
}

/** topologyNormalizingWeight is log(size+2): constraints with more domains weigh more, so small topologies are not watered down. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/** scoreForCount is cnt×weight plus maxSkew−1, which waters down differences a constraint tolerates. */
export function scoreForCount(cnt: number, maxSkew: number, tpWeight: number): number {
  return cnt * tpWeight + (maxSkew - 1);
}

/**
 * spreadPreScore builds the state from the pod's soft constraints (or the
 * defaults); nodes must carry every topology key unless the defaults are the
 * System ones, so nodes without a zone still spread per hostname.
 */
export function spreadPreScore(state: CycleState, pod: Pod, filteredNodes: readonly NodeInfo[], allNodes: readonly NodeInfo[], spreading: Spreading, views: PodCountViews = new PodCountViews()): Status {
  if (allNodes.length === 0) return skip(PodTopologySpread);
  const own = podConstraints(pod);
  const constraints = own.length ? filterTopologySpreadConstraints(own, pod.metadata.labels, 'ScheduleAnyway') : buildDefaultConstraints(pod, spreading, 'ScheduleAnyway');
  if (constraints.length === 0) return skip(PodTopologySpread);
  const requireAllTopologies = own.length > 0 || !spreading.systemDefaulted;
  const s: PreScoreState = { constraints, ignoredNodes: new Set(), topologyValueToPodCounts: constraints.map(() => new Map<string, number>()), topologyNormalizingWeight: [] };
  const topoSize = constraints.map(() => 0);
  for (const n of filteredNodes) {
    const labels = n.node.metadata.labels;
    if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) {
      s.ignoredNodes.add(n.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME) return;
      const value = labels?.[c.topologyKey] ?? '';
      if (!s.topologyValueToPodCounts[i].has(value)) {
        s.topologyValueToPodCounts[i].set(value, 0);
        topoSize[i]++;
      }
    });
  }
  s.topologyNormalizingWeight = constraints.map((c, i) => topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - s.ignoredNodes.size : topoSize[i]));
  const ns = pod.metadata.namespace ?? '';
  const counted = constraints.some((c) => c.topologyKey !== LABEL_HOSTNAME);
  if (counted) {
    views.startCycle();
    const counts = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME ? undefined : spreadView(views, c, ns, allNodes).counts));
    for (let j = 0; j < allNodes.length; j++) {
      const node = allNodes[j].node;
      if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(node.metadata.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node)) return;
        const m = s.topologyValueToPodCounts[i];
        const value = node.metadata.labels?.[c.topologyKey] ?? '';
        // Only domains of feasible nodes are counted; hostname is counted per node in Score.
        const was = m.get(value);
        if (was === undefined) return;
        m.set(value, was + (counts[i]?.[j] ?? 0));
      });
    }
  }
  state.set(PRE_SCORE_STATE_KEY, s);
  return SUCCESS;
}

/** spreadScore is the node's weighted matching-pod counts over the constraints whose topology key it carries, rounded. */
export function spreadScore(state: CycleState, pod: Pod, node: NodeInfo): number {
  const s = state.get(PRE_SCORE_STATE_KEY) as PreScoreState | undefined;
  if (!s || s.ignoredNodes.has(node.name)) return 0;
  let score = 0;
  const labels = node.node.metadata.labels;
  s.constraints.forEach((c, i) => {
    const value = labels?.[c.topologyKey];
    if (value === undefined) return;
    const cnt = c.topologyKey === LABEL_HOSTNAME ? countPodsMatchSelector(node.pods.values(), c.selector, pod.metadata.namespace ?? '') : (s.topologyValueToPodCounts[i].get(value) ?? 0);
    score += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i]);
  });
  return Math.round(score);
}

/** normalizeSpreadScores: 100×(max+min−score)/max, so the emptiest domains score highest; ignored nodes 0; all 100 when max is 0. */
export function normalizeSpreadScores(state: CycleState, scores: { node: string; score: number }[]): void {
  const s = state.get(PRE_SCORE_STATE_KEY) as PreScoreState | undefined;
  if (!s) return;
  let min = Number.MAX_SAFE_INTEGER;
  let max = 0;
  for (const x of scores) {
    if (s.ignoredNodes.has(x.node)) continue;
    if (x.score < min) min = x.score;
    if (x.score > max) max = x.score;
  }
  for (const x of scores) {
    if (s.ignoredNodes.has(x.node)) x.score = 0;
    else if (max === 0) x.score = MAX_NODE_SCORE;
    else x.score = Math.trunc((MAX_NODE_SCORE * (max + min - x.score)) / max);
  }
}
