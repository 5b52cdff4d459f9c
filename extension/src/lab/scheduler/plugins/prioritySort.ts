/** PrioritySort orders the scheduling queue: higher spec.priority first, then the pod that entered the queue earlier. */
import type { QueueSortPlugin, QueuedPodInfo } from '../framework/interfaces';
import { PrioritySort } from '../framework/names';

/** less is PrioritySort.Less. */
export function less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
  const pa = a.pod.spec.priority ?? 0;
  const pb = b.pod.spec.priority ?? 0;
  if (pa !== pb) return pa > pb;
  return a.timestamp !== b.timestamp ? a.timestamp < b.timestamp : a.seq < b.seq;
}

export const prioritySort = { name: PrioritySort, less } satisfies QueueSortPlugin;
