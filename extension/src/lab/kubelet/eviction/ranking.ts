/**
 * ranking is how the eviction manager picks and explains its victim under
 * memory pressure (helpers.go): pods whose working set exceeds their memory
 * requests first, then the lower priority, then the larger use above
 * requests; the message names the starved resource, the threshold, what was
 * available and each container using more than it requested. Critical pods
 * (static, mirror, or of system priority) are never evicted.
 */
import { formatQuantity, toQuantity } from '../../api/quantity';
import { podRequests } from '../../api/pods';
import type { Pod } from '../../api/types';
import { isMirrorPod } from '../staticPods';
import { type Observations, SIGNAL_RESOURCE, type Threshold, bytesText, thresholdText } from './thresholds';

/** PodStats is a pod's memory as the summary API gives it: the pod's working set and each running container's. */
export interface PodStats {
  workingSetBytes: number;
  containers: { name: string; workingSetBytes: number }[];
}

/** StatsFunc finds a pod's stats; undefined when there are none (it never ran). */
export type StatsFunc = (pod: Pod) => PodStats | undefined;

/** REASON is the status reason and event reason of an eviction. */
export const REASON = 'Evicted';
/** SYSTEM_CRITICAL_PRIORITY is scheduling.SystemCriticalPriority: pods at or above it are critical. */
const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';

/** isCriticalPod is kubelettypes.IsCriticalPod: a static or mirror pod, or one of system-critical priority. */
export function isCriticalPod(pod: Pod): boolean {
  const source = pod.metadata.annotations?.[CONFIG_SOURCE_ANNOTATION];
  if ((source !== undefined && source !== 'api') || isMirrorPod(pod)) return true;
  return (pod.spec.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;
}

/** cmpBool places true before false. */
function cmpBool(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

type Cmp = (a: Pod, b: Pod) => number;

/** exceedMemoryRequests puts first the pod without stats, then the pod using more memory than it requests. */
function exceedMemoryRequests(stats: StatsFunc): Cmp {
  return (a, b) => {
    const sa = stats(a);
    const sb = stats(b);
    if (!sa || !sb) return cmpBool(!sa, !sb);
    return cmpBool(sa.workingSetBytes > podRequests(a).memory, sb.workingSetBytes > podRequests(b).memory);
  };
}

/** priority puts the lower priority first. */
function priority(a: Pod, b: Pod): number {
  return Math.sign((a.spec.priority ?? 0) - (b.spec.priority ?? 0));
}

/** memory puts first the larger use of memory above its request. */
function memory(stats: StatsFunc): Cmp {
  return (a, b) => {
    const sa = stats(a);
    const sb = stats(b);
    if (!sa || !sb) return cmpBool(!sa, !sb);
    return Math.sign((sb.workingSetBytes - podRequests(b).memory) - (sa.workingSetBytes - podRequests(a).memory));
  };
}

/** rankMemoryPressure orders pods for eviction under memory pressure: exceeding requests, then priority, then usage above requests. */
export function rankMemoryPressure(pods: readonly Pod[], stats: StatsFunc): Pod[] {
  const order = [exceedMemoryRequests(stats), priority, memory(stats)];
  return [...pods].sort((a, b) => {
    for (const cmp of order) {
      const r = cmp(a, b);
      if (r !== 0) return r;
    }
    return 0;
  });
}

/**
 * evictionMessage is upstream's: `The node was low on resource: memory. `, the
 * first met threshold of that resource with what was available, then each
 * container whose working set passes its request.
 */
export function evictionMessage(resource: 'memory', pod: Pod, stats: StatsFunc, thresholds: readonly Threshold[], observations: Observations): string {
  let message = `The node was low on resource: ${resource}. `;
  for (const t of thresholds) {
    const observed = SIGNAL_RESOURCE[t.signal] === resource ? observations.get(t.signal) : undefined;
    if (!observed) continue;
    message += `Threshold quantity: ${thresholdText(t.value, observed.capacityBytes)}, available: ${bytesText(observed.availableBytes)}. `;
    break;
  }
  const podStats = stats(pod);
  if (!podStats) return message;
  const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  for (const c of podStats.containers) {
    const spec = containers.find((s) => s.name === c.name);
    if (!spec) continue;
    const request = toQuantity(spec.resources?.requests?.[resource]);
    const requestBytes = request ? Number(request.nanos / 1_000_000_000n) : 0;
    if (c.workingSetBytes > requestBytes) {
      message += `Container ${c.name} was using ${bytesText(c.workingSetBytes)}, request is ${request ? formatQuantity(request) : '0'}, has larger consumption of ${resource}. `;
    }
  }
  return message;
}
