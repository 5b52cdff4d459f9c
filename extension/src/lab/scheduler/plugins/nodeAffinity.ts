/**
 * NodeAffinity keeps a pod on nodes that match its spec.nodeSelector and its
 * required node affinity, and the scheduler-enforced addedAffinity of the plugin's
 * args (Filter, UnschedulableAndUnresolvable); it prefers nodes matching more of
 * the preferred terms by weight (Score, normalized onto 0..100), as upstream's plugin.
 */
import { type NodeSelector, type NodeSelectorTerm, OBJECT_NAME_FIELD, nodeSelectorMatches, nodeSelectorTermMatches, podAffinity, requiredNodeAffinityMatches } from '../../api/nodeAffinity';
import type { Node, Pod } from '../../api/types';
import {
  ActionType, type ClusterEventWithHint, type CycleState, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreFilterResult,
  type QueueingHint, type ScorePlugin, SUCCESS, type Status, skip, unresolvable,
} from '../framework/interfaces';
import { NodeAffinity } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { defaultNormalizeScore } from './taintToleration';

/** ERR_REASON_POD is ErrReasonPod: the node does not match the pod's nodeSelector or required node affinity. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
/** ERR_REASON_ENFORCED is errReasonEnforced: the node does not match the args' addedAffinity. */
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
/** ERR_REASON_CONFLICT is errReasonConflict: the required terms' metadata.name fields select no node at all. */
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

/** PreferredSchedulingTerm is a preferred node affinity term with its weight (1..100). */
export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

/** NodeAffinityArgs are the plugin's args: affinity every pod of the profile gets on top of its own. */
export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  };
}

function isEmptyTerm(t: NodeSelectorTerm): boolean {
  return !(t.matchExpressions?.length) && !(t.matchFields?.length);
}

/** preferredScore is PreferredSchedulingTerms.Score: the sum of the weights of the terms node matches (terms of weight 0 or no expressions count for nothing). */
export function preferredScore(terms: readonly PreferredSchedulingTerm[] | undefined, node: Node): number {
  let sum = 0;
  for (const t of terms ?? []) if (t.weight !== 0 && !isEmptyTerm(t.preference) && nodeSelectorTermMatches(t.preference, node)) sum += t.weight;
  return sum;
}

/**
 * preFilterNodeNames is the PreFilterResult: when every required term names nodes
 * through `metadata.name In`, only those nodes can fit (an empty set is a conflict);
 * undefined means any node may.
 */
export function preFilterNodeNames(pod: Pod): Set<string> | undefined {
  const terms = podAffinity(pod)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    // A term without a name requirement lets every node through, as the terms are ORed.
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}

/** filterNode is the filter's decision for one node, with upstream's reason when it fails. */
export function filterNode(pod: Pod, node: Node, args: NodeAffinityArgs = {}): Status {
  const added = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (added && !nodeSelectorMatches(added, node)) return unresolvable(NodeAffinity, ERR_REASON_ENFORCED);
  return requiredNodeAffinityMatches(pod, node) ? SUCCESS : unresolvable(NodeAffinity, ERR_REASON_POD);
}

/** isSchedulableAfterNodeChange is the plugin's queueing hint: only a node that now matches, and did not before, can help. */
export function isSchedulableAfterNodeChange(pod: Pod, oldNode: Node | undefined, newNode: Node, args: NodeAffinityArgs = {}): QueueingHint {
  const added = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (added && !nodeSelectorMatches(added, newNode)) return 'QueueSkip';
  if (!requiredNodeAffinityMatches(pod, newNode)) return 'QueueSkip';
  if (!oldNode) return 'Queue';
  return requiredNodeAffinityMatches(pod, oldNode) ? 'QueueSkip' : 'Queue';
}

/** nodeAffinity builds the plugin with its args. */
export function nodeAffinity(args: NodeAffinityArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin & EnqueueExtensions {
  const addedPreferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  return {
    name: NodeAffinity,
    preFilter(_state: CycleState, pod: Pod): PreFilterResult {
      const required = podAffinity(pod)?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!required && !args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution && pod.spec.nodeSelector === undefined) return skip(NodeAffinity);
      const nodeNames = preFilterNodeNames(pod);
      if (!nodeNames) return SUCCESS;
      return nodeNames.size === 0 ? unresolvable(NodeAffinity, ERR_REASON_CONFLICT) : { ...SUCCESS, nodeNames };
    },
    filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
      return filterNode(pod, node.node, args);
    },
    score(_state: CycleState, pod: Pod, node: NodeInfo): number {
      return preferredScore(addedPreferred, node.node) + preferredScore(podAffinity(pod)?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, node.node);
    },
    normalizeScore(_state: CycleState, _pod: Pod, scores: { node: string; score: number }[]): void {
      defaultNormalizeScore(scores, false);
    },
    eventsToRegister(): ClusterEventWithHint[] {
      return [{
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel },
        queueingHint: (pod, oldObj, newObj) => isSchedulableAfterNodeChange(pod, oldObj as Node | undefined, newObj as Node, args),
      }];
    },
  };
}

/** defaultNodeAffinity is the plugin as the default profile runs it (no added affinity). */
export const defaultNodeAffinity = nodeAffinity();
