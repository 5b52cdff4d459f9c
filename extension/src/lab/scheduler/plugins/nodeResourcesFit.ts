/**
 * NodeResourcesFit checks that a node has the allocatable CPU, memory, ephemeral
 * storage, extended resources and pod slots the pod requests (Filter), and scores
 * nodes with one of upstream's strategies (Score): LeastAllocated (the default,
 * CPU and memory weighted 1 each), MostAllocated or RequestedToCapacityRatio.
 */
import type { Pod } from '../../api/types';
import { type CycleState, type FilterPlugin, type PreFilterPlugin, type ScorePlugin, SUCCESS, type Status, unschedulable } from '../framework/interfaces';
import { NodeResourcesFit } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { type Resource, isExtendedResourceName, podResourceRequests, toResource } from '../podResources';
import {
  type ResourceSpec, type Scorer, type UtilizationShapePoint, MAX_CUSTOM_PRIORITY_SCORE, leastResourceScorer, mostResourceScorer,
  podRequestListFor, requestedToCapacityRatioScorer, resourceAllocationScore, withDefaults,
} from './resourceAllocation';

/** Upstream's reason strings. */
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

/** ScoringStrategyType names the strategies of NodeResourcesFitArgs.scoringStrategy.type. */
export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';
const STRATEGIES: readonly ScoringStrategyType[] = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];

/** NodeResourcesFitArgs are the plugin's args (kubescheduler.config.k8s.io/v1). */
export interface NodeResourcesFitArgs {
  /** ignoredResources are extended resources the filter does not check. */
  ignoredResources?: string[];
  /** ignoredResourceGroups are extended resource domains (`example.com`) the filter does not check. */
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: Partial<ResourceSpec>[];
    requestedToCapacityRatio?: { shape?: UtilizationShapePoint[] };
  };
}

/** validateNodeResourcesFitArgs is ValidateNodeResourcesFitArgs: field errors as upstream words them, none when the args are valid. */
export function validateNodeResourcesFitArgs(args: NodeResourcesFitArgs): string[] {
  const errs: string[] = [];
  (args.ignoredResourceGroups ?? []).forEach((g, i) => {
    if (g.includes('/')) errs.push(`ignoredResourceGroups[${i}]: Invalid value: "${g}": resource group name can't contain '/'`);
  });
  const s = args.scoringStrategy;
  if (!s) return errs;
  const type = s.type ?? 'LeastAllocated';
  if (!STRATEGIES.includes(type)) errs.push(`scoringStrategy.type: Unsupported value: "${String(type)}": supported values: ${STRATEGIES.map((t) => `"${t}"`).join(', ')}`);
  withDefaults(s.resources).forEach((r, i) => {
    if (r.weight <= 0 || r.weight > 100) errs.push(`scoringStrategy.resources[${i}].weight: Invalid value: ${r.weight}: resource weight of ${r.name} not in valid range [1, 100]`);
  });
  if (type === 'RequestedToCapacityRatio') {
    const shape = s.requestedToCapacityRatio?.shape ?? [];
    const path = 'scoringStrategy.requestedToCapacityRatio.shape';
    if (shape.length === 0) errs.push(`${path}: Required value: at least one point must be specified`);
    for (let i = 1; i < shape.length; i++) {
      if (shape[i - 1].utilization >= shape[i].utilization) {
        errs.push(`${path}[${i}].utilization: Invalid value: ${shape[i].utilization}: utilization values must be sorted in increasing order`);
        break;
      }
    }
    shape.forEach((p, i) => {
      if (p.utilization < 0 || p.utilization > 100) errs.push(`${path}[${i}].utilization: Invalid value: ${p.utilization}: not in valid range [0, 100]`);
      if (p.score < 0 || p.score > MAX_CUSTOM_PRIORITY_SCORE) errs.push(`${path}[${i}].score: Invalid value: ${p.score}: not in valid range [0, ${MAX_CUSTOM_PRIORITY_SCORE}]`);
    });
  }
  return errs;
}

/** InsufficientResource describes one shortfall, for the scheduler panel. */
export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** computePodResourceRequest is what the filter checks: resource.PodRequests (init containers, sidecars, overhead). */
export function computePodResourceRequest(pod: Pod): Resource {
  return toResource(podResourceRequests(pod));
}

/** fitsRequest lists what node lacks for request (empty when it fits), as upstream's fitsRequest. */
export function fitsRequest(request: Resource, node: NodeInfo, ignoredResources: ReadonlySet<string> = new Set(), ignoredGroups: ReadonlySet<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  if (node.pods.size + 1 > node.allocPods) out.push({ resource: 'pods', reason: ERR_REASON_TOO_MANY_PODS, requested: 1, used: node.pods.size, capacity: node.allocPods });
  // Runs for every node of every cycle: NodeInfo's number fields, no closures or entry arrays on the way.
  check(out, 'cpu', request.milliCPU, node.reqMilliCPU, node.allocMilliCPU);
  check(out, 'memory', request.memory, node.reqMemory, node.allocMemory);
  check(out, 'ephemeral-storage', request.ephemeralStorage, node.reqEphemeralStorage, node.allocEphemeralStorage);
  for (const name in request.scalar) {
    if (isExtendedResourceName(name) && (ignoredResources.has(name) || ignoredGroups.has(name.split('/')[0]))) continue;
    check(out, name, request.scalar[name], node.reqScalar[name] ?? 0, node.allocatable.scalar[name] ?? 0);
  }
  return out;
}

/**
 * fitsPlainly is fitsRequest's answer for the common case, without building
 * the list of shortfalls: a pod slot, CPU, memory and ephemeral storage all
 * fit and no extended resource is requested. False means "ask fitsRequest".
 */
function fitsPlainly(request: Resource, node: NodeInfo): boolean {
  if (node.pods.size + 1 > node.allocPods) return false;
  if (request.milliCPU > 0 && request.milliCPU > node.allocMilliCPU - node.reqMilliCPU) return false;
  if (request.memory > 0 && request.memory > node.allocMemory - node.reqMemory) return false;
  if (request.ephemeralStorage > 0 && request.ephemeralStorage > node.allocEphemeralStorage - node.reqEphemeralStorage) return false;
  for (const _ in request.scalar) return false;
  return true;
}

/** check adds resource to out when want does not fit in what capacity leaves beside have. */
function check(out: InsufficientResource[], resource: string, want: number, have: number, capacity: number): void {
  if (want > 0 && want > capacity - have) out.push({ resource, reason: insufficient(resource), requested: want, used: have, capacity });
}

/** fits is noderesources.Fits: what node lacks for pod, empty when it fits. */
export function fits(pod: Pod, node: NodeInfo): InsufficientResource[] {
  return fitsRequest(computePodResourceRequest(pod), node);
}

/** scorerFor builds the strategy's scorer from validated args. */
function scorerFor(args: NodeResourcesFitArgs): { resources: ResourceSpec[]; scorer: Scorer } {
  const resources = withDefaults(args.scoringStrategy?.resources);
  switch (args.scoringStrategy?.type ?? 'LeastAllocated') {
    case 'LeastAllocated':
      return { resources, scorer: leastResourceScorer(resources) };
    case 'MostAllocated':
      return { resources, scorer: mostResourceScorer(resources) };
    case 'RequestedToCapacityRatio':
      return { resources, scorer: requestedToCapacityRatioScorer(resources, args.scoringStrategy?.requestedToCapacityRatio?.shape ?? []) };
  }
}

const PRE_FILTER_STATE_KEY = `PreFilter${NodeResourcesFit}`;
const PRE_SCORE_STATE_KEY = `PreScore${NodeResourcesFit}`;

/** nodeResourcesFit builds the plugin; invalid args are a configuration error and throw with upstream's field errors. */
export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin {
  const errs = validateNodeResourcesFitArgs(args);
  if (errs.length) throw new Error(`${NodeResourcesFit}: ${errs.join(', ')}`);
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
  const { resources, scorer } = scorerFor(args);
  return {
    name: NodeResourcesFit,
    preFilter(state: CycleState, pod: Pod): Status {
      state.set(PRE_FILTER_STATE_KEY, computePodResourceRequest(pod));
      return SUCCESS;
    },
    filter(state: CycleState, pod: Pod, node: NodeInfo): Status {
      const request = (state.get(PRE_FILTER_STATE_KEY) as Resource | undefined) ?? computePodResourceRequest(pod);
      if (fitsPlainly(request, node)) return SUCCESS;
      const missing = fitsRequest(request, node, ignored, ignoredGroups);
      return missing.length ? unschedulable(NodeResourcesFit, ...missing.map((m) => m.reason)) : SUCCESS;
    },
    score(state: CycleState, pod: Pod, node: NodeInfo): number {
      return resourceAllocationScore(pod, node, resources, false, scorer, podRequestListFor(state, PRE_SCORE_STATE_KEY, pod, resources, false));
    },
  };
}

/** defaultNodeResourcesFit is the plugin as the default profile runs it: LeastAllocated on CPU and memory. */
export const defaultNodeResourcesFit = nodeResourcesFit();

/** leastAllocatedScore is the default strategy's score for pod on node. */
export function leastAllocatedScore(pod: Pod, node: NodeInfo): number {
  return defaultNodeResourcesFit.score(new Map(), pod, node);
}
