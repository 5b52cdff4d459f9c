/**
 * TaintToleration keeps a pod off nodes with a NoSchedule or NoExecute taint it
 * does not tolerate (Filter), and prefers nodes with fewer PreferNoSchedule taints
 * it does not tolerate (Score, normalized in reverse), as upstream's plugin.
 */
import { doNotScheduleTaint, findMatchingUntoleratedTaint, tolerationsTolerateTaint } from '../../api/taints';
import type { Pod, Taint, Toleration } from '../../api/types';
import { type CycleState, type FilterPlugin, MAX_NODE_SCORE, type ScorePlugin, SUCCESS, type Status, unresolvable } from '../framework/interfaces';
import { TaintToleration } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';

/** untoleratedTaintReason is the filter's reason: `node(s) had untolerated taint {key: value}`. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** untoleratedTaint is the first NoSchedule/NoExecute taint of node the pod does not tolerate, or undefined when it may go there. */
export function untoleratedTaint(pod: Pod, node: NodeInfo): Taint | undefined {
  return node.taints?.length ? findMatchingUntoleratedTaint(node.taints, pod.spec.tolerations, doNotScheduleTaint) : undefined;
}

/** preferNoScheduleTolerations are the tolerations that count for scoring: PreferNoSchedule or any effect. */
function preferNoScheduleTolerations(pod: Pod): Toleration[] {
  return (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
}

/** countIntolerableTaintsPreferNoSchedule counts node's PreferNoSchedule taints the tolerations do not cover. */
export function countIntolerableTaintsPreferNoSchedule(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const t of taints ?? []) if (t.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, t)) n++;
  return n;
}

const PRE_SCORE_STATE_KEY = `PreScore${TaintToleration}`;

/** scoringTolerations are preferNoScheduleTolerations kept in the cycle's state, worked out once per pod rather than per node (upstream's PreScore state). */
function scoringTolerations(state: CycleState, pod: Pod): Toleration[] {
  const held = state.get(PRE_SCORE_STATE_KEY) as { pod: Pod; tolerations: Toleration[] } | undefined;
  if (held?.pod === pod) return held.tolerations;
  const tolerations = preferNoScheduleTolerations(pod);
  state.set(PRE_SCORE_STATE_KEY, { pod, tolerations });
  return tolerations;
}

/** defaultNormalizeScore is helper.DefaultNormalizeScore: scale to 0..MAX_NODE_SCORE of the highest, reversed when asked. */
export function defaultNormalizeScore(scores: { score: number }[], reverse: boolean): void {
  const max = Math.max(0, ...scores.map((s) => s.score));
  for (const s of scores) {
    if (max === 0) {
      if (reverse) s.score = MAX_NODE_SCORE;
      continue;
    }
    const scaled = Math.floor((MAX_NODE_SCORE * s.score) / max);
    s.score = reverse ? MAX_NODE_SCORE - scaled : scaled;
  }
}

export const taintToleration = {
  name: TaintToleration,
  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    const taint = untoleratedTaint(pod, node);
    return taint ? unresolvable(TaintToleration, untoleratedTaintReason(taint)) : SUCCESS;
  },
  score(state: CycleState, pod: Pod, node: NodeInfo): number {
    const taints = node.taints;
    return taints?.length ? countIntolerableTaintsPreferNoSchedule(taints, scoringTolerations(state, pod)) : 0;
  },
  normalizeScore(_state: CycleState, _pod: Pod, scores: { node: string; score: number }[]): void {
    defaultNormalizeScore(scores, true);
  },
} satisfies FilterPlugin & ScorePlugin;
