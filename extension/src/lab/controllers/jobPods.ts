/**
 * jobPods holds what the Job controller asks of its pods, as upstream's
 * tracking_utils.go, backoff_utils.go and controller_utils.go: the tracking
 * finalizer, which pods count as failed or terminating, the order in which
 * active pods are removed, and the back-off before failed pods are replaced.
 */
import { getCondition } from '../api/meta';
import { isPodReady } from '../api/pods';
import type { Pod } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';

/** JOB_TRACKING_FINALIZER keeps a Job's pods until the controller has counted them. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** DEFAULT_POD_FAILURE_BACKOFF_MS is DefaultJobPodFailureBackOff: the first delay after a failure. */
export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
/** MAX_POD_FAILURE_BACKOFF_MS is MaxJobPodFailureBackOff: the delay doubles up to this. */
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

/** hasTrackingFinalizer reports the job-tracking finalizer. */
export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

/** removeTrackingFinalizerPatch is the strategic merge patch dropping the finalizer, or undefined when the pod has none. */
export function removeTrackingFinalizerPatch(pod: Pod): object | undefined {
  return hasTrackingFinalizer(pod) ? { metadata: { '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } } : undefined;
}

/** onlyReplaceFailedPods: with podReplacementPolicy Failed (or a podFailurePolicy) terminating pods are not replaced. */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy != null;
}

/** isPodFailed is isPodFailed: phase Failed, or deleted before succeeding unless only failed pods are replaced. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return pod.metadata.deletionTimestamp != null && pod.status?.phase !== 'Succeeded';
}

/** isPodTerminating is controller.IsPodTerminating: deleted but not yet in a terminal phase. */
export function isPodTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp != null && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * activePodsOrder is controller.ActivePods' Less: most removable first —
 * unscheduled, then pending before unknown before running, not ready, ready for
 * less time, restarted more, and newer.
 */
export function activePodsOrder(a: Pod, b: Pod): number {
  if (!a.spec.nodeName !== !b.spec.nodeName) return a.spec.nodeName ? 1 : -1;
  const pa = PHASE_RANK[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_RANK[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  if (ra && rb) {
    const ta = readySince(a);
    const tb = readySince(b);
    if (ta !== tb) return tb - ta;
  }
  const restarts = (p: Pod): number => Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => s.restartCount));
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ca = a.metadata.creationTimestamp ?? '';
  const cb = b.metadata.creationTimestamp ?? '';
  if (ca !== cb) return !ca ? -1 : !cb ? 1 : cb.localeCompare(ca);
  return 0;
}

function readySince(p: Pod): number {
  const t = getCondition(p.status?.conditions, 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
}

/**
 * finishedTime is getFinishedTime: the last container's finishedAt when all have
 * finished, else when Ready turned False, else the deletion time less the grace
 * period, else the creation time.
 */
export function finishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length > 0 && statuses.every((s) => s.state.terminated?.finishedAt)) {
    return Math.max(...statuses.map((s) => Date.parse(s.state.terminated?.finishedAt ?? '')));
  }
  const ready = getCondition(pod.status?.conditions, 'Ready');
  if (ready?.status === 'False' && ready.lastTransitionTime) return Date.parse(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
}

/** BackoffRecord counts a job's pod failures since its last success and when the last one happened. */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/**
 * nextBackoffRecord is backoffStore.newBackoffRecord: a success resets the count
 * to the failures that came after it; failures alone add to it.
 */
export function nextBackoffRecord(old: BackoffRecord | undefined, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
  const record: BackoffRecord = { ...(old ?? { failuresAfterLastSuccess: 0 }) };
  const failedTimes = newFailed.map(finishedTime).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failedTimes.length === 0) return record;
    return { failuresAfterLastSuccess: record.failuresAfterLastSuccess + failedTimes.length, lastFailureTime: failedTimes[failedTimes.length - 1] };
  }
  const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
  const after = failedTimes.filter((t) => t > lastSuccess);
  return after.length === 0 ? { failuresAfterLastSuccess: 0 } : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1] };
}

/** remainingBackoff is getRemainingTimeForFailuresCount: 10 s after one failure, doubling per further failure up to the cap, less the time since the last. */
export function remainingBackoff(now: number, failures: number, lastFailureTime: number | undefined, base = DEFAULT_POD_FAILURE_BACKOFF_MS, max = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let delay = base;
  for (let i = 1; i < failures; i++) {
    delay *= 2;
    if (delay >= max) {
      delay = max;
      break;
    }
  }
  const elapsed = now - lastFailureTime;
  return delay < elapsed ? 0 : delay - elapsed;
}
