/**
 * NodeInfo is the scheduler's view of one node: the node, the pods on it (bound or
 * assumed) and what they request, as framework.NodeInfo.
 */
import { keyOf } from '../api/meta';
import { podRequests } from '../api/pods';
import { milliValue, value } from '../api/quantity';
import type { Node, Pod } from '../api/types';

/** Scoring counts a container with no request as this much (schedutil.DefaultMilliCPURequest/DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface Resources {
  milliCPU: number;
  memory: number;
  pods: number;
}

/** nonZeroRequests is podRequests with defaults for containers that request nothing, as scoring uses. */
export function nonZeroRequests(pod: Pod): { milliCPU: number; memory: number } {
  let milliCPU = 0;
  let memory = 0;
  for (const c of pod.spec.containers ?? []) {
    const cpu = c.resources?.requests?.cpu ?? c.resources?.limits?.cpu;
    const mem = c.resources?.requests?.memory ?? c.resources?.limits?.memory;
    milliCPU += cpu === undefined ? DEFAULT_MILLI_CPU_REQUEST : milliValue(cpu);
    memory += mem === undefined ? DEFAULT_MEMORY_REQUEST : value(mem);
  }
  return { milliCPU, memory };
}

export class NodeInfo {
  readonly pods = new Map<string, Pod>();
  requested = { milliCPU: 0, memory: 0 };
  nonZeroRequested = { milliCPU: 0, memory: 0 };

  constructor(public node: Node) {}

  get name(): string {
    return this.node.metadata.name ?? '';
  }

  get allocatable(): Resources {
    const a = this.node.status?.allocatable ?? {};
    return { milliCPU: milliValue(a.cpu), memory: value(a.memory), pods: value(a.pods) };
  }

  addPod(pod: Pod): void {
    const key = keyOf(pod);
    if (this.pods.has(key)) this.removePod(pod);
    this.pods.set(key, pod);
    this.account(pod, 1);
  }

  removePod(pod: Pod): void {
    const key = keyOf(pod);
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    this.account(old, -1);
  }

  private account(pod: Pod, sign: 1 | -1): void {
    const r = podRequests(pod);
    const nz = nonZeroRequests(pod);
    this.requested = { milliCPU: this.requested.milliCPU + sign * r.milliCPU, memory: this.requested.memory + sign * r.memory };
    this.nonZeroRequested = { milliCPU: this.nonZeroRequested.milliCPU + sign * nz.milliCPU, memory: this.nonZeroRequested.memory + sign * nz.memory };
  }
}
