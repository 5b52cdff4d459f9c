/**
 * summary is the part of the kubelet's stats summary (/stats/summary) the
 * eviction manager reads, made from what the kubelet reports to
 * metrics-server: the node's memory (capacity less its working set, as
 * cAdvisor computes availableBytes), the pods' cgroup against allocatable,
 * and each pod's running containers' working sets. It turns into the
 * signals' observations (makeSignalObservations).
 */
import type { Pod } from '../../api/types';
import { HOUSEKEEPING_MS, type NodeUsage } from '../../metrics/nodeUsage';
import type { PodStats } from './ranking';
import type { Observations, Signal, Observation } from './thresholds';

/** MemoryStats is a cgroup's memory: what is left of its limit and its working set. */
export interface MemoryStats {
  availableBytes: number;
  workingSetBytes: number;
}

/** Summary is the node's and pods' memory at time (the start of the housekeeping interval the stats were sampled in). */
export interface Summary {
  time: number;
  node: MemoryStats;
  /** allocatable is the pods' cgroup (kubepods) against the node's allocatable memory. */
  allocatable: MemoryStats;
  /** pods are each pod's stats by UID. */
  pods: Map<string, PodStats>;
}

/** summarize makes the summary from a resource-usage answer ending at now, the pods it covers, and the node's memory capacity and allocatable. */
export function summarize(usage: NodeUsage, pods: readonly Pod[], memory: { capacityBytes: number; allocatableBytes: number }, now: number): Summary {
  const uids = new Map(pods.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}`, p.metadata.uid ?? '']));
  const byUID = new Map<string, PodStats>();
  let podsWorkingSet = 0;
  for (const p of usage.pods) {
    const uid = uids.get(`${p.namespace}/${p.name}`);
    if (uid === undefined) continue;
    const containers = p.containers.filter((c) => c.endTime === undefined || c.endTime > now).map((c) => ({ name: c.name, workingSetBytes: c.memoryWorkingSetBytes }));
    const workingSetBytes = containers.reduce((sum, c) => sum + c.workingSetBytes, 0);
    podsWorkingSet += workingSetBytes;
    byUID.set(uid, { workingSetBytes, containers });
  }
  const nodeWorkingSet = usage.node.memoryWorkingSetBytes;
  return {
    time: Math.floor(now / HOUSEKEEPING_MS) * HOUSEKEEPING_MS,
    node: { availableBytes: Math.max(0, memory.capacityBytes - nodeWorkingSet), workingSetBytes: nodeWorkingSet },
    allocatable: { availableBytes: Math.max(0, memory.allocatableBytes - podsWorkingSet), workingSetBytes: podsWorkingSet },
    pods: byUID,
  };
}

/** statsSummary is the summary at now of a kubelet whose usage at a time is usage (none while it is stopped), running pods, with memory bytes of capacity, all allocatable. */
export function statsSummary(now: number, usage: (at: number) => NodeUsage | undefined, pods: readonly Pod[], memory: number): Summary | undefined {
  // Working sets are read at the window's end: an empty window spares the CPU integration nobody reads here.
  const u = usage(now);
  return u && summarize(u, pods, { capacityBytes: memory, allocatableBytes: memory }, now);
}

/** observations are the signals the summary gives: available, and capacity as available plus working set. */
export function observations(summary: Summary): Observations {
  const of = (m: MemoryStats): Observation => ({ availableBytes: m.availableBytes, capacityBytes: m.availableBytes + m.workingSetBytes, time: summary.time });
  return new Map<Signal, Observation>([['memory.available', of(summary.node)], ['allocatableMemory.available', of(summary.allocatable)]]);
}
