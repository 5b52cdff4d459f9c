/**
 * SchedulingDecision is one scheduling attempt explained, served as
 * schedulingdecisions.lab.kubelab.dev/v1alpha1: for each evaluated node, which
 * filter rejected it and why (filters run in order and stop at the first
 * failure, so the plugins before it passed and those after did not run), each
 * score plugin's raw, normalized and weighted scores, the totals, the chosen
 * node or the FitError, and what preemption nominated.
 *
 * The representation is compact on purpose — node names once, scores as
 * parallel arrays per plugin, feasible nodes by name only — so explaining every
 * attempt stays cheaper than making it.
 */
import type { KubeObject, Pod } from '../api/types';
import type { ScheduleResult } from './schedulePod';

export const DECISION_GROUP = 'lab.kubelab.dev';
export const DECISION_VERSION = 'v1alpha1';
export const DECISION_RESOURCE = 'schedulingdecisions';
/** DEFAULT_DECISION_CAPACITY is how many decisions the API server keeps; 0 turns the explanations off. */
export const DEFAULT_DECISION_CAPACITY = 1000;

/**
 * LEGACY_NAMES maps the predicates and priorities of the policy-era scheduler
 * (and the seeds that teach them) to the framework plugins that replaced them.
 */
export const LEGACY_NAMES: Readonly<Record<string, string>> = {
  PodFitsResources: 'NodeResourcesFit',
  PodFitsHostPorts: 'NodePorts',
  PodFitsHost: 'NodeName',
  PodMatchNodeSelector: 'NodeAffinity',
  PodToleratesNodeTaints: 'TaintToleration',
  CheckNodeUnschedulable: 'NodeUnschedulable',
  CheckVolumeBinding: 'VolumeBinding',
  NoVolumeZoneConflict: 'VolumeZone',
  NoDiskConflict: 'VolumeRestrictions',
  MatchInterPodAffinity: 'InterPodAffinity',
  EvenPodsSpread: 'PodTopologySpread',
  LeastRequestedPriority: 'NodeResourcesFit',
  MostRequestedPriority: 'NodeResourcesFit',
  RequestedToCapacityRatioPriority: 'NodeResourcesFit',
  BalancedResourceAllocation: 'NodeResourcesBalancedAllocation',
  SelectorSpreadPriority: 'PodTopologySpread',
  InterPodAffinityPriority: 'InterPodAffinity',
  ImageLocalityPriority: 'ImageLocality',
  NodeAffinityPriority: 'NodeAffinity',
  TaintTolerationPriority: 'TaintToleration',
};

/** legacyNamesOf lists the old names a plugin replaced, for the UI to show beside it. */
export function legacyNamesOf(plugin: string): string[] {
  return Object.entries(LEGACY_NAMES).filter(([, p]) => p === plugin).map(([old]) => old);
}

export type DecisionResult = 'Scheduled' | 'Unschedulable' | 'Error';

export interface SchedulingDecision extends KubeObject {
  pod: { namespace: string; name: string; uid: string };
  profile: string;
  attempt: number;
  result: DecisionResult;
  /** node is the chosen node. */
  node?: string;
  /** message is the FitError (or error) text, as the FailedScheduling event carries it. */
  message?: string;
  nodes: { total: number; evaluated: number; feasible: number; startIndex: number };
  /** preFilter lists the PreFilter plugins that did more than succeed: skipped, narrowed (nodeNames is the count), rejected. */
  preFilter: { plugin: string; code: string; reasons?: string[]; nodeNames?: number }[];
  filter: {
    plugins: string[];
    /** feasible are the nodes that passed every filter, in evaluation order. */
    feasible: string[];
    /** rejected are the nodes that failed, with the first plugin that failed them. */
    rejected: { node: string; plugin: string; code: string; reasons: string[] }[];
    /** absent is why the nodes not evaluated at all were out (PreFilter rejected or narrowed them). */
    absent?: { count: number; code: string; reasons: string[] };
  };
  /** score holds, per plugin, arrays parallel to nodes. */
  score?: {
    nodes: string[];
    plugins: { name: string; weight: number; raw: number[]; normalized: number[]; weighted: number[] }[];
    totals: number[];
  };
  postFilter?: { message: string; nominatedNodeName?: string; victims?: { namespace: string; name: string }[] };
}

/** buildDecision turns a cycle's result into the served object (name `<pod>.<attempt>`). */
export function buildDecision(pod: Pod, profile: string, attempt: number, filterPlugins: readonly string[], r: ScheduleResult, message: string | undefined, now: string,
  postFilter?: SchedulingDecision['postFilter']): SchedulingDecision {
  const d = r.diagnosis;
  const rejected: SchedulingDecision['filter']['rejected'] = [];
  for (const [node, s] of d.nodeToStatus) rejected.push({ node, plugin: s.plugin ?? '', code: s.code, reasons: s.reasons });
  const absentCount = r.numAllNodes - d.nodeToStatus.size - r.feasibleNodes.length;
  const result: DecisionResult = r.error ? 'Error' : r.node ? 'Scheduled' : 'Unschedulable';
  const scores = r.scores;
  return {
    apiVersion: `${DECISION_GROUP}/${DECISION_VERSION}`,
    kind: 'SchedulingDecision',
    metadata: {
      name: `${pod.metadata.name ?? ''}.${attempt}`,
      namespace: pod.metadata.namespace ?? '',
      creationTimestamp: now,
      labels: { 'lab.kubelab.dev/pod': pod.metadata.name ?? '', 'lab.kubelab.dev/result': result },
    },
    pod: { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' },
    profile,
    attempt,
    result,
    ...(r.node ? { node: r.node } : {}),
    ...(message ? { message } : {}),
    nodes: { total: r.numAllNodes, evaluated: r.evaluatedNodes, feasible: r.feasibleNodes.length, startIndex: r.startIndex },
    preFilter: (r.preFilter?.results ?? []).map((x) => ({ plugin: x.plugin, code: x.code, ...(x.reasons.length ? { reasons: x.reasons } : {}), ...(x.nodeNames !== undefined ? { nodeNames: x.nodeNames } : {}) })),
    filter: {
      plugins: [...filterPlugins],
      feasible: r.feasibleNodes.map((n) => n.name),
      rejected,
      ...(d.absentStatus && absentCount > 0 ? { absent: { count: absentCount, code: d.absentStatus.code, reasons: d.absentStatus.reasons } } : {}),
    },
    ...(scores ? {
      score: {
        nodes: r.feasibleNodes.map((n) => n.name),
        plugins: scores.plugins.map((p, j) => ({ name: p.name, weight: p.weight, raw: scores.raw[j], normalized: scores.normalized[j], weighted: scores.normalized[j].map((s) => s * p.weight) })),
        totals: scores.totals,
      },
    } : {}),
    ...(postFilter ? { postFilter } : {}),
  };
}
