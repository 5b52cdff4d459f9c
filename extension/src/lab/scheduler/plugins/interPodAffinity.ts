/**
 * InterPodAffinity keeps a pod with the pods its required affinity names, away
 * from those its required anti-affinity names, and away from pods whose own
 * required anti-affinity names it (Filter); it prefers nodes by the preferred
 * terms on both sides (Score), as upstream's plugin. PreFilter counts, per
 * topology pair, the existing pods that match each side, so Filter is a few
 * map lookups per node; AddPod/RemovePod keep the counts right when
 * preemption or nominated pods change a node.
 */
import type { Node, Pod } from '../../api/types';
import { type AffinityTerm, type PodAffinityInfo, affinityInfo, mergedInfo, namespaceLabelsOf, podMatchesAllAffinityTerms, termMatches } from '../affinityTerms';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterExtensions, type PreFilterPlugin,
  type PreFilterResult, type PreScorePlugin, type QueueingHint, type ScorePlugin, SUCCESS, type Status, errorStatus, skip, unresolvable, unschedulable,
} from '../framework/interfaces';
import { InterPodAffinity } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import type { SharedListers } from '../sharedListers';
import { interPodAffinityPreScore, interPodAffinityScore, normalizeInterPodAffinityScores } from './interPodAffinityScoring';
import { PodCountViews } from './podCountViews';
import { type IndexedTerm, TermIndex, termSignature } from './termIndex';
import { CountsSum, type TopologyCounts } from './topologyCounts';

/** ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: a pod already there has required anti-affinity against the incoming pod. */
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
/** ERR_REASON_AFFINITY_RULES_NOT_MATCH: no pod the incoming pod's required affinity names runs in the node's topology. */
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
/** ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: a pod the incoming pod's required anti-affinity names runs in the node's topology. */
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_STATE_KEY = `PreFilter${InterPodAffinity}`;

/** InterPodAffinityArgs are the plugin's args (defaulted: hardPodAffinityWeight 1). */
export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** PreFilterState is what PreFilter counted, with the incoming pod's terms (namespace selectors merged) and its namespace's labels. */
export interface PreFilterState {
  /** existingAntiAffinityCounts: per pair, existing pods whose required anti-affinity terms match the incoming pod. */
  existingAntiAffinityCounts: CountsSum;
  /** affinityCounts: per pair, existing pods matching all the incoming pod's required affinity terms. */
  affinityCounts: CountsSum;
  /** antiAffinityCounts: per pair, existing pods matching one of the incoming pod's required anti-affinity terms. */
  antiAffinityCounts: CountsSum;
  pod: Pod;
  podInfo: PodAffinityInfo;
  namespaceLabels: Record<string, string> | undefined;
}

/** Caches are what the plugin keeps across cycles: pod counts per incoming term, and the placed pods' terms grouped (required anti-affinity for Filter, the weighted ones for Score). */
export interface Caches {
  views: PodCountViews;
  existing: TermIndex;
  scoring: TermIndex;
}

function indexed(terms: readonly AffinityTerm[], weight: (i: number) => number): IndexedTerm[] {
  return terms.map((term, i) => ({ signature: termSignature(term), term, weight: weight(i) }));
}

/** newCaches makes the caches; hardPodAffinityWeight weighs placed pods' required affinity in Score. */
export function newCaches(hardPodAffinityWeight = 1): Caches {
  return {
    views: new PodCountViews(),
    existing: new TermIndex((n) => {
      const out: IndexedTerm[] = [];
      for (const p of n.podsWithRequiredAntiAffinity.values()) out.push(...indexed(affinityInfo(p).requiredAntiAffinityTerms, () => 1));
      return out;
    }),
    scoring: new TermIndex((n) => {
      const out: IndexedTerm[] = [];
      for (const p of n.podsWithAffinity.values()) {
        const e = affinityInfo(p);
        if (hardPodAffinityWeight > 0) out.push(...indexed(e.requiredAffinityTerms, () => hardPodAffinityWeight));
        out.push(...indexed(e.preferredAffinityTerms, (i) => e.preferredAffinityTerms[i].weight));
        out.push(...indexed(e.preferredAntiAffinityTerms, (i) => -e.preferredAntiAffinityTerms[i].weight));
      }
      return out;
    }),
  };
}

function addAffinity(m: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, node: Node, delta: number): void {
  if (!podMatchesAllAffinityTerms(terms, pod)) return;
  for (const t of terms) m.add(node.metadata.labels, t.topologyKey, delta);
}

function addAntiAffinity(m: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, nsLabels: Record<string, string> | undefined, node: Node, delta: number): void {
  for (const t of terms) if (termMatches(t, pod, nsLabels)) m.add(node.metadata.labels, t.topologyKey, delta);
}

/**
 * computePreFilterState gathers what Filter needs: the existing pods'
 * required anti-affinity terms that match pod (each distinct term matched
 * once), and per topology pair the existing pods matching pod's required
 * affinity (all terms) and anti-affinity (each term). The counts come from
 * views kept across cycles, so only nodes that changed are re-read.
 */
export function computePreFilterState(pod: Pod, allNodes: readonly NodeInfo[], listers: SharedListers | undefined, caches: Caches = newCaches(), noRequiredAntiAffinity = false): PreFilterState {
  const podInfo = mergedInfo(pod, listers);
  const namespaceLabels = namespaceLabelsOf(listers, pod.metadata.namespace ?? '');
  caches.views.startCycle();
  caches.existing.refresh(allNodes, noRequiredAntiAffinity);
  const existing: TopologyCounts[] = [];
  for (const g of caches.existing.groups.values()) if (termMatches(g.term, pod, namespaceLabels)) existing.push(g.counts);
  const aff = podInfo.requiredAffinityTerms;
  const affinity: TopologyCounts[] = [];
  if (aff.length) {
    const v = caches.views.view(`all:${JSON.stringify(aff.map(termSignature))}`, (p) => podMatchesAllAffinityTerms(aff, p), allNodes);
    for (const t of aff) affinity.push(v.byTopology(t.topologyKey));
  }
  // The incoming pod's namespace selectors are merged, so the existing pods' namespace labels are not needed.
  const anti = podInfo.requiredAntiAffinityTerms.map((t) => caches.views.view(`one:${termSignature(t)}`, (p) => termMatches(t, p, undefined), allNodes).byTopology(t.topologyKey));
  return { existingAntiAffinityCounts: new CountsSum(existing), affinityCounts: new CountsSum(affinity), antiAffinityCounts: new CountsSum(anti), pod, podInfo, namespaceLabels };
}

/** updateWithPod is preFilterState.updateWithPod: adds (delta 1) or removes (-1) other's matches on node, on a copy. */
export function updateWithPod(s: PreFilterState, other: Pod, node: Node, delta: number): PreFilterState {
  return {
    ...s,
    existingAntiAffinityCounts: s.existingAntiAffinityCounts.with((d) => addAntiAffinity(d, affinityInfo(other).requiredAntiAffinityTerms, s.pod, s.namespaceLabels, node, delta)),
    affinityCounts: s.affinityCounts.with((d) => addAffinity(d, s.podInfo.requiredAffinityTerms, other, node, delta)),
    antiAffinityCounts: s.antiAffinityCounts.with((d) => addAntiAffinity(d, s.podInfo.requiredAntiAffinityTerms, other, undefined, node, delta)),
  };
}

/** satisfyPodAffinity: every required term's topology key is on the node with a matching pod there, or pod is the first of a group that selects itself. */
export function satisfyPodAffinity(s: PreFilterState, labels: Record<string, string> | undefined): boolean {
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    const v = labels?.[t.topologyKey];
    if (v === undefined) return false;
    if (s.affinityCounts.get(t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a series with affinity to itself may go anywhere its topologies exist, when no pod matches yet.
  return s.affinityCounts.isEmpty() && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, s.pod);
}

/** satisfyPodAntiAffinity: no pod the incoming pod's required anti-affinity names shares a topology with the node. */
export function satisfyPodAntiAffinity(s: PreFilterState, labels: Record<string, string> | undefined): boolean {
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const v = labels?.[t.topologyKey];
    if (v !== undefined && s.antiAffinityCounts.get(t.topologyKey, v) > 0) return false;
  }
  return true;
}

/** satisfyExistingPodsAntiAffinity: no existing pod's required anti-affinity against the incoming pod covers the node. */
export function satisfyExistingPodsAntiAffinity(s: PreFilterState, labels: Record<string, string> | undefined): boolean {
  return !s.existingAntiAffinityCounts.anyPositive(labels);
}

/** Filter's three answers, shared (and frozen) by every node it rejects: a cycle may reject thousands. */
const AFFINITY_RULES_NOT_MATCH = frozen(unresolvable(InterPodAffinity, ERR_REASON_AFFINITY_RULES_NOT_MATCH));
const ANTI_AFFINITY_RULES_NOT_MATCH = frozen(unschedulable(InterPodAffinity, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH));
const EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = frozen(unschedulable(InterPodAffinity, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH));

function frozen(s: Status): Status {
  Object.freeze(s.reasons);
  return Object.freeze(s);
}

/** filterNode is Filter's decision for one node from the PreFilter state, with upstream's codes and reasons. */
export function filterNode(s: PreFilterState, node: Node): Status {
  const labels = node.metadata.labels;
  if (!satisfyPodAffinity(s, labels)) return AFFINITY_RULES_NOT_MATCH;
  if (!satisfyPodAntiAffinity(s, labels)) return ANTI_AFFINITY_RULES_NOT_MATCH;
  if (!satisfyExistingPodsAntiAffinity(s, labels)) return EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH;
  return SUCCESS;
}

/**
 * isSchedulableAfterPodChange is the plugin's queueing hint for assigned pods:
 * an added pod helps when it matches all of the pending pod's affinity terms,
 * a deleted one when it matched its anti-affinity, an updated one when its
 * new labels start matching the affinity or stop matching the anti-affinity.
 */
export function isSchedulableAfterPodChange(pod: Pod, oldPod: Pod | undefined, newPod: Pod | undefined): QueueingHint {
  if ((newPod && !newPod.spec.nodeName) || (oldPod && !oldPod.spec.nodeName)) return 'QueueSkip';
  const { requiredAffinityTerms: terms, requiredAntiAffinityTerms: antiTerms } = affinityInfo(pod);
  if (newPod && oldPod) {
    if (!podMatchesAllAffinityTerms(terms, oldPod) && podMatchesAllAffinityTerms(terms, newPod)) return 'Queue';
    if (podMatchesAllAffinityTerms(antiTerms, oldPod) && !podMatchesAllAffinityTerms(antiTerms, newPod)) return 'Queue';
    return 'QueueSkip';
  }
  if (newPod) return podMatchesAllAffinityTerms(terms, newPod) ? 'Queue' : 'QueueSkip';
  return oldPod && podMatchesAllAffinityTerms(antiTerms, oldPod) ? 'Queue' : 'QueueSkip';
}

/** isSchedulableAfterNodeChange: a node helps when it carries a topology key of one of the pod's required terms. */
export function isSchedulableAfterNodeChange(pod: Pod, node: Node | undefined): QueueingHint {
  const { requiredAffinityTerms, requiredAntiAffinityTerms } = affinityInfo(pod);
  const labels = node?.metadata.labels ?? {};
  for (const t of [...requiredAffinityTerms, ...requiredAntiAffinityTerms]) if (Object.prototype.hasOwnProperty.call(labels, t.topologyKey)) return 'Queue';
  return 'QueueSkip';
}

/** SnapshotHandle is the part of the framework handle the plugin reads: the cycle's snapshot. */
export interface SnapshotHandle {
  snapshot(): { readonly nodeInfoList: readonly NodeInfo[]; readonly havePodsWithAffinityList: readonly NodeInfo[]; readonly havePodsWithRequiredAntiAffinityList: readonly NodeInfo[] };
}

/** interPodAffinity builds the plugin from its args, the handle's snapshot and the namespace lister. */
export function interPodAffinity(args: InterPodAffinityArgs, handle: SnapshotHandle, listers?: SharedListers): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
  const ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods ?? false;
  const stateOf = (state: CycleState) => state.get(PRE_FILTER_STATE_KEY) as PreFilterState | undefined;
  const caches = newCaches(hardPodAffinityWeight);
  const extensions: PreFilterExtensions = {
    addPod(state, _podToSchedule, podToAdd, node) {
      const s = stateOf(state);
      if (!s) return errorStatus(InterPodAffinity, `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
      state.set(PRE_FILTER_STATE_KEY, updateWithPod(s, podToAdd, node.node, 1));
      return SUCCESS;
    },
    removePod(state, _podToSchedule, podToRemove, node) {
      const s = stateOf(state);
      if (!s) return errorStatus(InterPodAffinity, `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
      state.set(PRE_FILTER_STATE_KEY, updateWithPod(s, podToRemove, node.node, -1));
      return SUCCESS;
    },
  };
  return {
    name: InterPodAffinity,
    preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult {
      const s = computePreFilterState(pod, nodes, listers, caches, handle.snapshot().havePodsWithRequiredAntiAffinityList.length === 0);
      if (s.existingAntiAffinityCounts.isEmpty() && s.podInfo.requiredAffinityTerms.length === 0 && s.podInfo.requiredAntiAffinityTerms.length === 0) return skip(InterPodAffinity);
      state.set(PRE_FILTER_STATE_KEY, s);
      return SUCCESS;
    },
    preFilterExtensions: () => extensions,
    filter(state: CycleState, _pod: Pod, node: NodeInfo): Status {
      const s = stateOf(state);
      if (!s) return errorStatus(InterPodAffinity, `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
      return filterNode(s, node.node);
    },
    preScore(state: CycleState, pod: Pod): Status {
      const snap = handle.snapshot();
      return interPodAffinityPreScore(state, pod, snap.nodeInfoList, ignorePreferredTermsOfExistingPods, listers, caches, snap.havePodsWithAffinityList.length === 0);
    },
    score(state: CycleState, _pod: Pod, node: NodeInfo): number {
      return interPodAffinityScore(state, node.node);
    },
    normalizeScore(state: CycleState, _pod: Pod, scores: { node: string; score: number }[]): void {
      normalizeInterPodAffinityScores(state, scores);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [
        { event: { resource: 'AssignedPod', actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete }, queueingHint: (pod, oldObj, newObj) => isSchedulableAfterPodChange(pod, oldObj as Pod | undefined, newObj as Pod | undefined) },
        { event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint }, queueingHint: (pod, _oldObj, newObj) => isSchedulableAfterNodeChange(pod, newObj as Node | undefined) },
      ];
    },
  };
}
