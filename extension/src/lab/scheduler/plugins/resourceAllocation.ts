/**
 * resourceAllocation is the scoring shared by NodeResourcesFit's strategies and
 * NodeResourcesBalancedAllocation (noderesources' resourceAllocationScorer): for
 * each configured resource, what the node can allocate and what would be requested
 * with the pod on it, handed to a strategy's scorer.
 */
import type { Pod } from '../../api/types';
import { type CycleState, MAX_NODE_SCORE } from '../framework/interfaces';
import type { NodeInfo } from '../nodeInfo';
import { isScalarResourceName, podResourceRequests } from '../podResources';

/** ResourceSpec is a resource to score and its weight (1..100). */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** DEFAULT_RESOURCES are the resources scored unless args say otherwise: CPU and memory, weight 1 each. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = Object.freeze([{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }]);

/** withDefaults is the v1 defaulting of a resource list: the defaults when empty, weight 1 when 0. */
export function withDefaults(resources: readonly Partial<ResourceSpec>[] | undefined): ResourceSpec[] {
  if (!resources?.length) return DEFAULT_RESOURCES.map((r) => ({ ...r }));
  return resources.map((r) => ({ name: r.name ?? '', weight: r.weight || 1 }));
}

/** Scorer turns per-resource requested and allocatable amounts (0 allocatable: not scored) into a node score. */
export type Scorer = (requested: readonly number[], allocatable: readonly number[]) => number;

/**
 * podRequestList is the pod's request for each resource; unless useRequested,
 * containers that request no CPU or memory count as 100m / 200 MiB.
 */
export function podRequestList(pod: Pod, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const reqs = podResourceRequests(pod, !useRequested);
  return resources.map((r) => reqs[r.name] ?? 0);
}

/**
 * podRequestListFor is podRequestList kept in the cycle's state under key, so a
 * cycle works it out once for the pod rather than once per node, as upstream's
 * PreScore state holds podRequests.
 */
export function podRequestListFor(state: CycleState, key: string, pod: Pod, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const held = state.get(key) as { pod: Pod; list: number[] } | undefined;
  if (held?.pod === pod) return held.list;
  const list = podRequestList(pod, resources, useRequested);
  state.set(key, { pod, list });
  return list;
}

/** allocatableAndRequested is calculateResourceAllocatableRequest: [allocatable, requested with the pod] for one resource. */
export function allocatableAndRequested(node: NodeInfo, resource: string, podRequest: number, useRequested: boolean): [number, number] {
  // An extended resource the pod does not ask for is not scored.
  if (podRequest === 0 && isScalarResourceName(resource)) return [0, 0];
  switch (resource) {
    case 'cpu':
      return [node.allocMilliCPU, (useRequested ? node.reqMilliCPU : node.nonZeroMilliCPU) + podRequest];
    case 'memory':
      return [node.allocMemory, (useRequested ? node.reqMemory : node.nonZeroMemory) + podRequest];
    case 'ephemeral-storage':
      return [node.allocEphemeralStorage, node.reqEphemeralStorage + podRequest];
    default: {
      const alloc = node.allocatable.scalar;
      if (resource in alloc) return [alloc[resource], (node.reqScalar[resource] ?? 0) + podRequest];
      return [0, 0];
    }
  }
}

/**
 * scratch holds, per number of resources, the two arrays resourceAllocationScore
 * hands its scorer: it runs for every feasible node of every cycle, and scorers
 * read the arrays only while they run.
 */
const scratch: { requested: number[]; allocatable: number[] }[] = [];

/** resourceAllocationScore is resourceAllocationScorer.score for pod on node. */
export function resourceAllocationScore(pod: Pod, node: NodeInfo, resources: readonly ResourceSpec[], useRequested: boolean, scorer: Scorer, podRequests = podRequestList(pod, resources, useRequested)): number {
  const n = resources.length;
  const { requested, allocatable } = (scratch[n] ??= { requested: new Array<number>(n).fill(0), allocatable: new Array<number>(n).fill(0) });
  for (let i = 0; i < n; i++) {
    const name = resources[i].name;
    let a: number;
    let q: number;
    // CPU and memory, what nearly every profile scores, straight from NodeInfo's fields.
    if (name === 'cpu') {
      a = node.allocMilliCPU;
      q = (useRequested ? node.reqMilliCPU : node.nonZeroMilliCPU) + podRequests[i];
    } else if (name === 'memory') {
      a = node.allocMemory;
      q = (useRequested ? node.reqMemory : node.nonZeroMemory) + podRequests[i];
    } else [a, q] = allocatableAndRequested(node, name, podRequests[i], useRequested);
    allocatable[i] = a;
    requested[i] = a === 0 ? 0 : q;
  }
  return scorer(requested, allocatable);
}

/** leastRequestedScore is the free share of capacity on 0..100 (0 when over capacity). */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** mostRequestedScore is the used share of capacity on 0..100, capped at capacity (pods without requests count defaults). */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

function weightedMean(resources: readonly ResourceSpec[], per: (requested: number, capacity: number) => number): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      score += per(requested[i], allocatable[i]) * resources[i].weight;
      weights += resources[i].weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

/** leastResourceScorer is the LeastAllocated strategy: the weighted mean of leastRequestedScore. */
export const leastResourceScorer = (resources: readonly ResourceSpec[]): Scorer => weightedMean(resources, leastRequestedScore);

/** mostResourceScorer is the MostAllocated strategy: the weighted mean of mostRequestedScore. */
export const mostResourceScorer = (resources: readonly ResourceSpec[]): Scorer => weightedMean(resources, mostRequestedScore);

/** UtilizationShapePoint is a point of RequestedToCapacityRatio's function: utilization 0..100 to score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** MAX_CUSTOM_PRIORITY_SCORE is config.MaxCustomPriorityScore, the top of a shape's scores. */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;

/** brokenLinearFunction is helper.BuildBrokenLinearFunction: linear between the points, flat beyond the ends (integer maths as Go's). */
export function brokenLinearFunction(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      if (p <= shape[i].utilization) {
        if (i === 0) return shape[0].score;
        const [a, b] = [shape[i - 1], shape[i]];
        return a.score + Math.trunc(((b.score - a.score) * (p - a.utilization)) / (b.utilization - a.utilization));
      }
    }
    return shape[shape.length - 1].score;
  };
}

/**
 * requestedToCapacityRatioScorer is the RequestedToCapacityRatio strategy: each
 * resource's utilization through the shape (scores scaled from 0..10 to 0..100),
 * the weighted mean over the resources that score above 0, rounded.
 */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): Scorer {
  const f = brokenLinearFunction(shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) })));
  const perResource = (requested: number, capacity: number): number => (capacity === 0 || requested > capacity ? f(100) : f(Math.trunc((requested * 100) / capacity)));
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    requested.forEach((q, i) => {
      if (allocatable[i] === 0) return;
      const s = perResource(q, allocatable[i]);
      if (s <= 0) return;
      score += s * resources[i].weight;
      weights += resources[i].weight;
    });
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}

/**
 * balancedResourceScorer is NodeResourcesBalancedAllocation's scorer (1.32): 100 ×
 * (1 − the standard deviation of the requested fractions), each fraction capped at 1.
 */
export function balancedResourceScorer(requested: readonly number[], allocatable: readonly number[]): number {
  // Scores every feasible node of every cycle: sums in the order a list of fractions would be summed, without the list.
  let count = 0;
  let sum = 0;
  let first = 0;
  let second = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(1, requested[i] / allocatable[i]);
    if (count === 0) first = f;
    else if (count === 1) second = f;
    sum += f;
    count++;
  }
  let std = 0;
  if (count === 2) std = Math.abs((first - second) / 2);
  else if (count > 2) {
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const f = Math.min(1, requested[i] / allocatable[i]);
      squares += (f - mean) * (f - mean);
    }
    std = Math.sqrt(squares / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
