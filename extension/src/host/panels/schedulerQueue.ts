/**
 * queuedPodView places a pending pod in one of kube-scheduler's queues for the
 * Scheduler panel. The scheduler's queues are in its memory, not in the API,
 * and the panel knows only what the API shows (DESIGN.md: components talk
 * through the API server), so the queue is derived from the pod and its
 * latest SchedulingDecision, the way upstream's PriorityQueue moves a pod:
 *
 * - scheduling gates set: `gated` (PreEnqueue keeps it out of activeQ);
 * - a schedulerName no profile serves: `other` (this scheduler never queues it);
 * - no attempt yet: `active`, waiting for its first attempt;
 * - last attempt failed with an error: `backoff` (errors always back off);
 * - last attempt found no node: `unschedulable`, until the next attempt.
 *
 * The approximation: upstream moves an unschedulable pod to backoffQ and then
 * activeQ when a cluster event may help it, and puts it straight in backoffQ
 * when such an event came during its own attempt; neither move is visible, so
 * the pod shows as unschedulable until its next decision appears. A pod whose
 * decision is no longer kept (the ring buffer moved on) is placed by its
 * PodScheduled condition. A pod whose node was chosen but whose binding
 * failed has no newer decision either: a PodScheduled=False written after its
 * decision wins. No `vscode` here.
 */
import type { Pod } from '../../lab/api/types';
import type { SchedulingDecision } from '../../lab/scheduler/decision';
import type { QueuedPodView, SchedulerQueueName } from '../../../../webview/src/shared/protocol';

/** isPending tells the pods the scheduler still has to place: not bound, not going away, not finished. */
export function isPending(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.spec.nodeName && !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** latestDecision is the newest of a pod's decisions: the ring's resourceVersion orders them, as attempts may restart at 1. */
export function latestDecision(decisions: readonly SchedulingDecision[]): SchedulingDecision | undefined {
  let best: SchedulingDecision | undefined;
  for (const d of decisions) if (!best || Number(d.metadata.resourceVersion) > Number(best.metadata.resourceVersion)) best = d;
  return best;
}

/** queuedPodView is the pod's queue entry, undefined when it is not pending; served says whether a profile has the schedulerName. */
export function queuedPodView(pod: Pod, decisions: readonly SchedulingDecision[], served: (schedulerName: string) => boolean): QueuedPodView | undefined {
  if (!isPending(pod)) return undefined;
  const schedulerName = pod.spec.schedulerName ?? 'default-scheduler';
  const latest = latestDecision(decisions);
  const base = {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    priority: pod.spec.priority ?? 0,
    attempts: decisions.length,
    schedulerName,
    nominatedNode: pod.status?.nominatedNodeName ?? '',
  };
  const created = pod.metadata.creationTimestamp ?? '';
  const at = (queue: SchedulerQueueName, reason: string, since: string): QueuedPodView => ({ ...base, queue, reason, since });
  const gates = ((pod.spec.schedulingGates as { name?: string }[] | undefined) ?? []).map((g) => g.name ?? '');
  if (gates.length) return at('gated', `waiting for scheduling gates: ${gates.join(', ')}`, created);
  if (!served(schedulerName)) return at('other', `no profile of this scheduler is named ${schedulerName}`, created);
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const fromCondition = (): QueuedPodView | undefined => {
    if (cond?.reason === 'Unschedulable') return at('unschedulable', cond.message ?? '', cond.lastTransitionTime ?? created);
    if (cond?.reason === 'SchedulerError') return at('backoff', cond.message ?? '', cond.lastTransitionTime ?? created);
    return undefined;
  };
  if (!latest) return fromCondition() ?? at('active', 'waiting for its first attempt', created);
  const time = latest.metadata.creationTimestamp ?? created;
  switch (latest.result) {
    case 'Error':
      return at('backoff', latest.message ?? 'scheduler error', time);
    case 'Unschedulable':
      return at('unschedulable', latest.message ?? '', time);
    case 'Scheduled':
      // The binding failed after the node was chosen: the condition written since says where the pod went.
      if (cond?.lastTransitionTime && cond.lastTransitionTime >= time) return fromCondition() ?? at('active', `binding to ${latest.node ?? ''}`, time);
      return at('active', `binding to ${latest.node ?? ''}`, time);
  }
}
