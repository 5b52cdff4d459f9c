/**
 * NodeResourcesBalancedAllocation prefers nodes whose CPU and memory (or the
 * configured resources) would be used in equal shares with the pod on them: 100 ×
 * (1 − the standard deviation of the requested fractions), as upstream 1.32.
 */
import type { Pod } from '../../api/types';
import { type CycleState, type ScorePlugin } from '../framework/interfaces';
import { NodeResourcesBalancedAllocation } from '../framework/names';
import type { NodeInfo } from '../nodeInfo';
import { type ResourceSpec, balancedResourceScorer, podRequestListFor, resourceAllocationScore, withDefaults } from './resourceAllocation';

const PRE_SCORE_STATE_KEY = `PreScore${NodeResourcesBalancedAllocation}`;

/** NodeResourcesBalancedAllocationArgs are the plugin's args: the resources to balance (weights are not used). */
export interface NodeResourcesBalancedAllocationArgs {
  resources?: Partial<ResourceSpec>[];
}

/** balancedAllocationScore scores pod on node over resources, counting what pods actually request (no defaults for empty requests). */
export function balancedAllocationScore(pod: Pod, node: NodeInfo, resources: readonly ResourceSpec[] = withDefaults(undefined)): number {
  return resourceAllocationScore(pod, node, resources, true, balancedResourceScorer);
}

/** nodeResourcesBalancedAllocation builds the plugin with its args. */
export function nodeResourcesBalancedAllocation(args: NodeResourcesBalancedAllocationArgs = {}): ScorePlugin {
  const resources = withDefaults(args.resources);
  return {
    name: NodeResourcesBalancedAllocation,
    score(state: CycleState, pod: Pod, node: NodeInfo): number {
      return resourceAllocationScore(pod, node, resources, true, balancedResourceScorer, podRequestListFor(state, PRE_SCORE_STATE_KEY, pod, resources, true));
    },
  };
}

/** defaultNodeResourcesBalancedAllocation is the plugin as the default profile runs it: CPU and memory. */
export const defaultNodeResourcesBalancedAllocation = nodeResourcesBalancedAllocation();
