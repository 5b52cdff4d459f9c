/**
 * NodeResourcesFit checks that a node has enough allocatable CPU, memory and pod
 * slots for the pod (Filter) and prefers the least allocated nodes (Score with the
 * LeastAllocated strategy, CPU and memory weighted 1 each).
 */
import { podRequests } from '../../api/pods';
import type { Pod } from '../../api/types';
import { type CycleState, type FilterPlugin, MAX_NODE_SCORE, type ScorePlugin, SUCCESS, type Status, unschedulable } from '../framework/interfaces';
import { NodeResourcesFit } from '../framework/names';
import { type NodeInfo, nonZeroRequests } from '../nodeInfo';

/** Upstream's reason strings. */
export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const insufficient = (resource: string): string => `Insufficient ${resource}`;

/** InsufficientResource describes one shortfall, for the scheduler panel. */
export interface InsufficientResource {
  resource: 'cpu' | 'memory' | 'pods';
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** fits lists what the node lacks for pod (empty when it fits), as fitsRequest does. */
export function fits(pod: Pod, node: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = node.allocatable;
  if (node.pods.size + 1 > alloc.pods) out.push({ resource: 'pods', reason: ERR_REASON_TOO_MANY_PODS, requested: 1, used: node.pods.size, capacity: alloc.pods });
  const req = podRequests(pod);
  if (req.milliCPU === 0 && req.memory === 0) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - node.requested.milliCPU) {
    out.push({ resource: 'cpu', reason: insufficient('cpu'), requested: req.milliCPU, used: node.requested.milliCPU, capacity: alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - node.requested.memory) {
    out.push({ resource: 'memory', reason: insufficient('memory'), requested: req.memory, used: node.requested.memory, capacity: alloc.memory });
  }
  return out;
}

/** leastAllocatedScore is LeastAllocated: the mean over CPU and memory of the free share after placing the pod. */
export function leastAllocatedScore(pod: Pod, node: NodeInfo): number {
  const alloc = node.allocatable;
  const req = nonZeroRequests(pod);
  const part = (requested: number, capacity: number): number => (capacity === 0 || requested > capacity ? 0 : Math.floor(((capacity - requested) * MAX_NODE_SCORE) / capacity));
  const cpu = part(node.nonZeroRequested.milliCPU + req.milliCPU, alloc.milliCPU);
  const mem = part(node.nonZeroRequested.memory + req.memory, alloc.memory);
  return Math.floor((cpu + mem) / 2);
}

export const nodeResourcesFit = {
  name: NodeResourcesFit,
  filter(_state: CycleState, pod: Pod, node: NodeInfo): Status {
    const missing = fits(pod, node);
    return missing.length ? unschedulable(NodeResourcesFit, ...missing.map((m) => m.reason)) : SUCCESS;
  },
  score(_state: CycleState, pod: Pod, node: NodeInfo): number {
    return leastAllocatedScore(pod, node);
  },
} satisfies FilterPlugin & ScorePlugin;
