/**
 * SchedulingDecision is one scheduling attempt explained, served as
 * schedulingdecisions.lab.kubelab.dev/v1alpha1: for each evaluated node, which
 * filter rejected it and why (filters run in order and stop at the first
 * failure, so the plugins before it passed and those after did not run), each
 * score plugin's raw, normalized and weighted scores, the totals, the chosen
 * node or the FitError, and what preemption nominated.
 *
 * The representation is compact on purpose — node names once (the scores are
 * parallel to filter.feasible), scores as parallel arrays per plugin, the
 * normalized ones only where NormalizeScore changed them and the weighted ones
 * left to the reader (normalizedScores, weightedScores) — so explaining every
 * attempt stays cheaper than making it.
 */
import type { KubeObject, Pod } from '../api/types';
import type { Status } from './framework/interfaces';
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
    /** rejected are the nodes that failed, grouped by the first plugin that failed them and its answer (nodes in evaluation order). */
    rejected: RejectedNodes[];
    /** absent is why the nodes not evaluated at all were out (PreFilter rejected or narrowed them). */
    absent?: { count: number; code: string; reasons: string[] };
  };
  /** score holds, per plugin, arrays parallel to filter.feasible (the nodes scored); totals are the weighted sums. */
  score?: {
    plugins: DecisionScorePlugin[];
    totals: number[];
  };
  postFilter?: { message: string; nominatedNodeName?: string; victims?: { namespace: string; name: string }[] };
}

/** RejectedNodes are the nodes one filter plugin rejected with the same code and reasons. */
export interface RejectedNodes {
  plugin: string;
  code: string;
  reasons: string[];
  nodes: string[];
}

/** DecisionScorePlugin is one score plugin's scores in a decision; normalized is absent when it equals raw. */
export interface DecisionScorePlugin {
  name: string;
  weight: number;
  raw: number[];
  normalized?: number[];
}

/** normalizedScores are a plugin's scores after NormalizeScore, parallel to filter.feasible. */
export function normalizedScores(p: DecisionScorePlugin): number[] {
  return p.normalized ?? p.raw;
}

/** weightedScores are a plugin's normalized scores times its weight, what the totals add up. */
export function weightedScores(p: DecisionScorePlugin): number[] {
  return normalizedScores(p).map((s) => s * p.weight);
}

/** buildDecision turns a cycle's result into the served object (name `<pod>.<attempt>`). */
export function buildDecision(pod: Pod, profile: string, attempt: number, filterPlugins: readonly string[], r: ScheduleResult, message: string | undefined, now: string,
  postFilter?: SchedulingDecision['postFilter']): SchedulingDecision {
  const d = r.diagnosis;
  const rejected = groupRejected(d.nodeToStatus);
  const absentCount = r.numAllNodes - d.nodeToStatus.size - r.feasibleNodes.length;
  const result: DecisionResult = r.error ? 'Error' : r.node ? 'Scheduled' : 'Unschedulable';
  const scores = r.scores;
  const feasible = r.feasibleNodes.map((n) => n.name);
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
      feasible,
      rejected,
      ...(d.absentStatus && absentCount > 0 ? { absent: { count: absentCount, code: d.absentStatus.code, reasons: d.absentStatus.reasons } } : {}),
    },
    ...(scores ? {
      score: {
        plugins: scores.plugins.map((p, j) => ({ name: p.name, weight: p.weight, raw: scores.raw[j], ...(sameItems(scores.raw[j], scores.normalized[j]) ? {} : { normalized: scores.normalized[j] }) })),
        totals: scores.totals,
      },
    } : {}),
    ...(postFilter ? { postFilter } : {}),
  };
}

/** groupRejected gathers the rejected nodes by plugin, code and reasons: thousands of nodes usually share a handful of answers. */
function groupRejected(statuses: ReadonlyMap<string, Status>): RejectedNodes[] {
  const groups = new Map<string, RejectedNodes>();
  let lastStatus: Status | undefined;
  let last: RejectedNodes | undefined;
  for (const [node, s] of statuses) {
    if (s !== lastStatus || !last) {
      lastStatus = s;
      // Neighbours are mostly rejected alike: compare with the last group before building a key.
      if (last && last.plugin === (s.plugin ?? '') && last.code === s.code && sameItems(last.reasons, s.reasons)) {
        last.nodes.push(node);
        continue;
      }
      const plugin = s.plugin ?? '';
      const key = `${plugin}\x00${s.code}\x00${s.reasons.join('\x00')}`;
      last = groups.get(key);
      if (!last) groups.set(key, (last = { plugin, code: s.code, reasons: s.reasons, nodes: [] }));
    }
    last.nodes.push(node);
  }
  return [...groups.values()];
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
