/**
 * PodTopologySpread keeps a pod's matching pods spread across topology domains
 * within maxSkew (Filter, the DoNotSchedule constraints) and prefers nodes in
 * the emptier domains (Score, the ScheduleAnyway constraints), as upstream's
 * plugin. A pod without constraints gets the profile's defaults — for the
 * System defaulting that replaced SelectorSpread, maxSkew 3 per hostname and 5
 * per zone, ScheduleAnyway — with a selector made of the services, replication
 * controllers, replica sets and stateful sets that select it. PreFilter counts
 * matching pods per domain and keeps the two emptiest domains per constraint
 * (critical paths), so Filter is O(constraints) per node.
 */
import { podAffinity } from '../../api/nodeAffinity';
import type { Node, Pod } from '../../api/types';
import { selectorMatches } from '../affinityTerms';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterExtensions, type PreFilterPlugin,
  type PreFilterResult, type PreScorePlugin, type QueueingHint, type ScorePlugin, SUCCESS, type Status, errorStatus, skip, unresolvable, unschedulable,
} from '../framework/interfaces';
import { PodTopologySpread } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import type { SharedListers } from '../sharedListers';
import {
  type PodTopologySpreadArgs, type SpreadConstraint, type Spreading, getConstraints, matchNodeInclusionPolicies,
  spreadView,
  nodeLabelsMatchSpreadConstraints, spreadingOf,
} from './podTopologySpreadConstraints';
import { PodCountViews } from './podCountViews';
import { normalizeSpreadScores, spreadPreScore, spreadScore } from './podTopologySpreadScoring';

/** ERR_REASON_CONSTRAINTS_NOT_MATCH is the filter's reason when a constraint's skew would exceed maxSkew. */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
/** ERR_REASON_NODE_LABEL_NOT_MATCH is the filter's reason when the node lacks a constraint's topology key. */
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const PRE_FILTER_STATE_KEY = `PreFilter${PodTopologySpread}`;

/** CriticalPaths holds, for one constraint, the two domains with the fewest matching pods; [0] always has the minimum. */
export type CriticalPaths = [{ value: string; num: number }, { value: string; num: number }];

function newCriticalPaths(): CriticalPaths {
  return [{ value: '', num: Number.MAX_SAFE_INTEGER }, { value: '', num: Number.MAX_SAFE_INTEGER }];
}

/** updateCriticalPaths is criticalPaths.update: record value's new count, keeping [0] the minimum. */
export function updateCriticalPaths(p: CriticalPaths, value: string, num: number): void {
  const i = value === p[0].value ? 0 : value === p[1].value ? 1 : undefined;
  if (i !== undefined) {
    p[i].num = num;
    if (p[0].num > p[1].num) [p[0], p[1]] = [p[1], p[0]];
  } else if (num < p[0].num) {
    p[1] = p[0];
    p[0] = { value, num };
  } else if (num < p[1].num) p[1] = { value, num };
}

/** PreFilterState is what Filter reads: the constraints, the matching pods per domain, and the critical paths. */
export interface PreFilterState {
  constraints: SpreadConstraint[];
  criticalPaths: CriticalPaths[];
  tpValueToMatchNum: Map<string, number>[];
}

/** calPreFilterState counts, per hard constraint and domain, the pods matching its selector on the nodes that take part. */
export function calPreFilterState(pod: Pod, allNodes: readonly NodeInfo[], spreading: Spreading, views: PodCountViews = new PodCountViews()): PreFilterState {
  const constraints = getConstraints(pod, spreading);
  const s: PreFilterState = { constraints, criticalPaths: [], tpValueToMatchNum: constraints.map(() => new Map<string, number>()) };
  if (constraints.length === 0) return s;
  const ns = pod.metadata.namespace ?? '';
  views.startCycle();
  const constraintViews = constraints.map((c) => spreadView(views, c, ns, allNodes));
  const counts = constraintViews.map((v) => v.counts);
  // Node inclusion only needs checking per node when a policy is Honor and the pod has something for it to honor.
  const affinity = pod.spec.nodeSelector !== undefined || podAffinity(pod)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution !== undefined;
  const check = constraints.map((c) => (c.nodeAffinityPolicy === 'Honor' && affinity) || c.nodeTaintsPolicy === 'Honor');
  // One constraint and no node to leave out: the nodes taking part are those carrying its key, whose
  // domains the view keeps summed across cycles, so nothing needs a walk over every node.
  const single = constraints.length === 1 && !check[0];
  if (single) for (const [value, d] of constraintViews[0].domains(constraints[0].topologyKey)) s.tpValueToMatchNum[0].set(value, d.sum);
  for (let n = 0; !single && n < allNodes.length; n++) {
    const node = allNodes[n].node;
    const labels = node.metadata.labels;
    if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) continue;
    for (let i = 0; i < constraints.length; i++) {
      if (check[i] && !matchNodeInclusionPolicies(constraints[i], pod, node)) continue;
      const value = labels?.[constraints[i].topologyKey] ?? '';
      const m = s.tpValueToMatchNum[i];
      m.set(value, (m.get(value) ?? 0) + counts[i][n]);
    }
  }
  s.criticalPaths = s.tpValueToMatchNum.map((m) => {
    const p = newCriticalPaths();
    for (const [value, num] of m) updateCriticalPaths(p, value, num);
    return p;
  });
  return s;
}

/** minMatchNum is the global minimum for skew: 0 while fewer domains than minDomains exist. */
function minMatchNum(s: PreFilterState, i: number): number {
  return s.tpValueToMatchNum[i].size < s.constraints[i].minDomains ? 0 : s.criticalPaths[i][0].num;
}

/** filterNode is Filter: for every constraint, matching pods in the node's domain, plus the pod itself if it matches, less the global minimum, must not exceed maxSkew. */
export function filterNode(s: PreFilterState, pod: Pod, node: Node): Status {
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i];
    const value = node.metadata.labels?.[c.topologyKey];
    if (value === undefined) return unresolvable(PodTopologySpread, ERR_REASON_NODE_LABEL_NOT_MATCH);
    const self = selectorMatches(c.selector, pod.metadata.labels) ? 1 : 0;
    const skew = (s.tpValueToMatchNum[i].get(value) ?? 0) + self - minMatchNum(s, i);
    if (skew > c.maxSkew) return unschedulable(PodTopologySpread, ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return SUCCESS;
}

/** updateWithPod is AddPod/RemovePod: a pod of the same namespace on a node that takes part changes its domain's count (on a copy). */
export function updateWithPod(s: PreFilterState, updated: Pod, preemptor: Pod, node: Node, delta: number): PreFilterState {
  if ((updated.metadata.namespace ?? '') !== (preemptor.metadata.namespace ?? '') || !nodeLabelsMatchSpreadConstraints(node.metadata.labels, s.constraints)) return s;
  const next: PreFilterState = { constraints: s.constraints, criticalPaths: s.criticalPaths.map((p) => [{ ...p[0] }, { ...p[1] }]), tpValueToMatchNum: s.tpValueToMatchNum.map((m) => new Map(m)) };
  s.constraints.forEach((c, i) => {
    if (!selectorMatches(c.selector, updated.metadata.labels) || !matchNodeInclusionPolicies(c, preemptor, node)) return;
    const value = node.metadata.labels?.[c.topologyKey] ?? '';
    const num = (next.tpValueToMatchNum[i].get(value) ?? 0) + delta;
    next.tpValueToMatchNum[i].set(value, num);
    updateCriticalPaths(next.criticalPaths[i], value, num);
  });
  return next;
}

function checkTopologyKeyLabelsChanged(a: Record<string, string> | undefined, b: Record<string, string> | undefined, constraints: readonly SpreadConstraint[]): boolean {
  return constraints.some((c) => a?.[c.topologyKey] !== b?.[c.topologyKey]);
}

/** isSchedulableAfterPodChange: only pods of the pending pod's namespace (or the pod itself) whose labels match, or stop or start matching, a constraint can change its spread. */
export function isSchedulableAfterPodChange(pod: Pod, spreading: Spreading, oldPod: Pod | undefined, newPod: Pod | undefined): QueueingHint {
  const involved = (p: Pod) => p.metadata.uid === pod.metadata.uid || (!!p.spec.nodeName && (p.metadata.namespace ?? '') === (pod.metadata.namespace ?? ''));
  if ((newPod && !involved(newPod)) || (oldPod && !involved(oldPod))) return 'QueueSkip';
  const constraints = getConstraints(pod, spreading);
  const anyMatch = (labels: Record<string, string> | undefined) => constraints.some((c) => selectorMatches(c.selector, labels));
  if (newPod && oldPod) {
    if (JSON.stringify(newPod.metadata.labels ?? {}) === JSON.stringify(oldPod.metadata.labels ?? {})) return 'QueueSkip';
    return constraints.some((c) => selectorMatches(c.selector, oldPod.metadata.labels) !== selectorMatches(c.selector, newPod.metadata.labels)) ? 'Queue' : 'QueueSkip';
  }
  const changed = newPod ?? oldPod;
  return changed && anyMatch(changed.metadata.labels) ? 'Queue' : 'QueueSkip';
}

/** isSchedulableAfterNodeChange: a node that gains or loses the topology keys, changes their values or its taints, or arrives or leaves carrying them, may help. */
export function isSchedulableAfterNodeChange(pod: Pod, spreading: Spreading, oldNode: Node | undefined, newNode: Node | undefined): QueueingHint {
  const constraints = getConstraints(pod, spreading);
  const oldMatching = !!oldNode && nodeLabelsMatchSpreadConstraints(oldNode.metadata.labels, constraints);
  const newMatching = !!newNode && nodeLabelsMatchSpreadConstraints(newNode.metadata.labels, constraints);
  if (oldNode && newNode) {
    if (oldMatching !== newMatching) return 'Queue';
    const taintsChanged = JSON.stringify(oldNode.spec?.taints ?? []) !== JSON.stringify(newNode.spec?.taints ?? []);
    return newMatching && (checkTopologyKeyLabelsChanged(oldNode.metadata.labels, newNode.metadata.labels, constraints) || taintsChanged) ? 'Queue' : 'QueueSkip';
  }
  if (newNode) return newMatching ? 'Queue' : 'QueueSkip';
  return oldMatching ? 'Queue' : 'QueueSkip';
}

/** SnapshotHandle is the part of the framework handle the plugin reads: every node of the cycle's snapshot, for scoring. */
export interface SnapshotHandle {
  snapshot(): { readonly nodeInfoList: readonly NodeInfo[] };
}

/** podTopologySpread builds the plugin from its args, the handle's snapshot and the listers the default constraints need. */
export function podTopologySpread(args: PodTopologySpreadArgs, handle: SnapshotHandle, listers?: SharedListers): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const spreading = spreadingOf(args, listers);
  const views = new PodCountViews();
  const stateOf = (state: CycleState) => state.get(PRE_FILTER_STATE_KEY) as PreFilterState | undefined;
  const missing = () => errorStatus(PodTopologySpread, `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  const extensions: PreFilterExtensions = {
    addPod(state, podToSchedule, podToAdd, node) {
      const s = stateOf(state);
      if (!s) return missing();
      state.set(PRE_FILTER_STATE_KEY, updateWithPod(s, podToAdd, podToSchedule, node.node, 1));
      return SUCCESS;
    },
    removePod(state, podToSchedule, podToRemove, node) {
      const s = stateOf(state);
      if (!s) return missing();
      state.set(PRE_FILTER_STATE_KEY, updateWithPod(s, podToRemove, podToSchedule, node.node, -1));
      return SUCCESS;
    },
  };
  return {
    name: PodTopologySpread,
    preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult {
      const s = calPreFilterState(pod, nodes, spreading, views);
      if (s.constraints.length === 0) return skip(PodTopologySpread);
      state.set(PRE_FILTER_STATE_KEY, s);
      return SUCCESS;
    },
    preFilterExtensions: () => extensions,
    filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
      const s = stateOf(state);
      if (!s) return missing();
      return filterNode(s, pod, node.node);
    },
    preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
      return spreadPreScore(state, pod, nodes, handle.snapshot().nodeInfoList, spreading, views);
    },
    score(state: CycleState, pod: Pod, node: NodeInfo): number {
      return spreadScore(state, pod, node);
    },
    normalizeScore(state: CycleState, _pod: Pod, scores: { node: string; score: number }[]): void {
      normalizeSpreadScores(state, scores);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'AssignedPod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete }, queueingHint: (pod, oldObj, newObj) => isSchedulableAfterPodChange(pod, spreading, oldObj as Pod | undefined, newObj as Pod | undefined) },
        { event: { resource: 'Node', actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint }, queueingHint: (pod, oldObj, newObj) => isSchedulableAfterNodeChange(pod, spreading, oldObj as Node | undefined, newObj as Node | undefined) },
      ];
    },
  };
}
