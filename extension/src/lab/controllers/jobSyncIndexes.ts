/**
 * jobSyncIndexes works out, for one sync, which pods are not yet counted, the
 * succeeded and failed indexes, which failed pods wait for their replacement,
 * which indexes need a pod, which active pods to remove, and whether the job
 * is finishing — the parts of upstream's job_controller.go and
 * indexed_job_utils.go that read the sync's state without calling the API.
 */
import type { Pod } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import { JOB_CONDITION, JOB_MESSAGE, JOB_REASON, isSuspended, newCondition, pastActiveDeadline, pastBackoffLimitOnFailure, trueCondition } from './jobConditions';
import { failJobMessage, matchPodFailurePolicy } from './jobFailurePolicy';
import {
  INDEX_FAILURE_COUNT, type Interval, UNKNOWN_INDEX, absoluteFailureCount, annotationCount, completionIndex, duplicatedIndexPodsForRemoval, firstPendingIndexes,
  hasBackoffLimitPerIndex, hasIndex, indexesOf, isIndexedJob, matchSuccessPolicy, mergeIntervals, parseIntervals, totalIndexes, withOrderedIndexes,
} from './jobIndexes';
import { activePodsOrder, finishedTime, hasTrackingFinalizer, isPodFailed, isPodTerminating, onlyReplaceFailedPods, remainingBackoff } from './jobPods';
import type { SyncJobCtx } from './jobStatusTracker';

/**
 * validPods is getValidPodsWithFilter: the pods not yet counted (they keep the
 * finalizer, are not in the uncounted set nor being stripped of it), with a
 * valid index for Indexed jobs, that pass the filter.
 */
export function validPods(ctx: SyncJobCtx, uncounted: ReadonlySet<string>, filter: (p: Pod) => boolean): Pod[] {
  const indexed = isIndexedJob(ctx.job);
  const completions = ctx.job.spec?.completions ?? 0;
  return ctx.pods.filter((p) => {
    const uid = p.metadata.uid ?? '';
    if (!hasTrackingFinalizer(p) || uncounted.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
    if (indexed) {
      const ix = completionIndex(p);
      if (ix === UNKNOWN_INDEX || ix >= completions) return false;
    }
    return filter(p);
  });
}

/** calculateSucceededIndexes returns status.completedIndexes and those plus the indexes of succeeded pods not yet counted. */
export function calculateSucceededIndexes(job: Job, pods: readonly Pod[]): [Interval[], Interval[]] {
  const completions = job.spec?.completions ?? 0;
  const prev = parseIntervals(job.status?.completedIndexes, completions);
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p));
  return [prev, withOrderedIndexes(prev, indexesOf(succeeded).filter((ix) => ix < completions))];
}

/** calculateFailedIndexes returns status.failedIndexes plus the indexes that failed since (backoffLimitPerIndex). */
export function calculateFailedIndexes(job: Job, pods: readonly Pod[]): Interval[] {
  const completions = job.spec?.completions ?? 0;
  const prev = parseIntervals(job.status?.failedIndexes, completions);
  const failed = pods.filter((p) => hasTrackingFinalizer(p) && isIndexFailed(job, p));
  return withOrderedIndexes(prev, indexesOf(failed).filter((ix) => ix < completions));
}

/** isIndexFailed: a FailIndex rule matched, or the index used up backoffLimitPerIndex with a counted failure. */
function isIndexFailed(job: Job, pod: Pod): boolean {
  if (!isPodFailed(pod, job)) return false;
  const m = matchPodFailurePolicy(job.spec?.podFailurePolicy, pod);
  if (m.action === 'FailIndex') return true;
  return m.countFailed && annotationCount(pod, INDEX_FAILURE_COUNT) >= (job.spec?.backoffLimitPerIndex ?? 0);
}

/**
 * podsWithDelayedDeletionPerIndex keeps, per index with no pod running and not
 * finished, its latest failed pod: its finalizer stays until the replacement is
 * created with the index's failure count.
 */
export function podsWithDelayedDeletionPerIndex(ctx: SyncJobCtx): Map<number, Pod> {
  const active = new Set(indexesOf(ctx.activePods));
  const result = new Map<number, Pod>();
  const completions = ctx.job.spec?.completions ?? 0;
  for (const p of validPods(ctx, new Set(), (pod) => isPodFailed(pod, ctx.job))) {
    const ix = completionIndex(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) continue;
    if (hasIndex(ctx.succeededIndexes, ix) || hasIndex(ctx.failedIndexes ?? [], ix) || active.has(ix)) continue;
    const last = result.get(ix);
    if (!last || (absoluteFailureCount(last) <= absoluteFailureCount(p) && finishedTime(p) >= finishedTime(last))) result.set(ix, p);
  }
  return result;
}

/**
 * firstPendingIndexesFor returns up to count indexes that need a pod; with
 * backoffLimitPerIndex only those whose own back-off has passed, or, when none
 * has, the shortest wait.
 */
export function firstPendingIndexesFor(ctx: SyncJobCtx, count: number, now: number): { indexes: number[]; remaining: number } {
  const completions = ctx.job.spec?.completions ?? 0;
  let nonPending = withOrderedIndexes(ctx.succeededIndexes, indexesOf(ctx.activePods));
  if (onlyReplaceFailedPods(ctx.job)) nonPending = withOrderedIndexes(nonPending, indexesOf(ctx.pods.filter(isPodTerminating)));
  if (ctx.failedIndexes) nonPending = mergeIntervals(nonPending, ctx.failedIndexes);
  const indexes = firstPendingIndexes(nonPending, count, completions);
  if (!hasBackoffLimitPerIndex(ctx.job)) return { indexes, remaining: 0 };
  const ready: number[] = [];
  let minRemaining: number | undefined;
  for (const ix of indexes) {
    const last = ctx.podsWithDelayedDeletionPerIndex.get(ix);
    const remaining = last ? remainingBackoff(now, absoluteFailureCount(last) + 1, finishedTime(last)) : 0;
    if (remaining === 0) ready.push(ix);
    else if (minRemaining === undefined || remaining < minRemaining) minRemaining = remaining;
  }
  return ready.length > 0 ? { indexes: ready, remaining: 0 } : { indexes: [], remaining: minRemaining ?? 0 };
}

/**
 * podsForRemoval is activePodsForRemoval: for Indexed jobs the pods with a
 * duplicate, missing or out-of-range index, then, to reach rmAtLeast, the most
 * removable of the rest.
 */
export function podsForRemoval(job: Job, pods: readonly Pod[], rmAtLeast: number): Pod[] {
  let rm: Pod[] = [];
  let left: Pod[] = [...pods];
  if (isIndexedJob(job)) ({ rm, left } = duplicatedIndexPodsForRemoval(pods, job.spec?.completions ?? 0, activePodsOrder));
  if (rm.length < rmAtLeast) rm = [...rm, ...left.sort(activePodsOrder).slice(0, rmAtLeast - rm.length)];
  return rm;
}

/**
 * evaluateFinishedCondition sets ctx.finishedCondition as syncJob does before
 * managing pods: a SuccessCriteriaMet or FailureTarget already written, a
 * podFailurePolicy FailJob match, backoffLimit, activeDeadlineSeconds, the
 * per-index limits and the success policy. It also works out the indexes of an
 * Indexed job, and answers the time until the active deadline when one is ahead.
 */
export function evaluateFinishedCondition(ctx: SyncJobCtx, now: number): number | undefined {
  const { job, pods } = ctx;
  const startTime = job.status?.startTime;
  let deadlineIn: number | undefined;
  ctx.finishedCondition = trueCondition(job, JOB_CONDITION.successCriteriaMet);
  if (!ctx.finishedCondition) {
    const target = trueCondition(job, JOB_CONDITION.failureTarget);
    const failJob = target ? undefined : failJobMessage(job, pods);
    if (target) ctx.finishedCondition = newCondition(JOB_CONDITION.failed, 'True', target.reason ?? '', target.message ?? '', now);
    else if (failJob) ctx.finishedCondition = newCondition(JOB_CONDITION.failureTarget, 'True', JOB_REASON.podFailurePolicy, failJob, now);
  }
  if (!ctx.finishedCondition) {
    const ads = job.spec?.activeDeadlineSeconds;
    if (ctx.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) {
      ctx.finishedCondition = newCondition(JOB_CONDITION.failureTarget, 'True', JOB_REASON.backoffLimitExceeded, JOB_MESSAGE.backoffLimitExceeded, now);
    } else if (pastActiveDeadline(job, now)) {
      ctx.finishedCondition = newCondition(JOB_CONDITION.failureTarget, 'True', JOB_REASON.deadlineExceeded, JOB_MESSAGE.deadlineExceeded, now);
    } else if (ads != null && !isSuspended(job) && startTime) {
      deadlineIn = ads * 1000 - (now - Date.parse(startTime));
    }
  }
  if (isIndexedJob(job)) {
    [ctx.prevSucceededIndexes, ctx.succeededIndexes] = calculateSucceededIndexes(job, pods);
    ctx.succeeded = totalIndexes(ctx.succeededIndexes);
    if (hasBackoffLimitPerIndex(job)) {
      ctx.failedIndexes = calculateFailedIndexes(job, pods);
      const failedCount = totalIndexes(ctx.failedIndexes);
      if (!ctx.finishedCondition) {
        const maxFailed = job.spec?.maxFailedIndexes;
        if (maxFailed != null && failedCount > maxFailed) {
          ctx.finishedCondition = newCondition(JOB_CONDITION.failureTarget, 'True', JOB_REASON.maxFailedIndexesExceeded, JOB_MESSAGE.maxFailedIndexesExceeded, now);
        } else if (failedCount > 0 && failedCount + totalIndexes(ctx.succeededIndexes) >= (job.spec?.completions ?? 0)) {
          ctx.finishedCondition = newCondition(JOB_CONDITION.failureTarget, 'True', JOB_REASON.failedIndexes, JOB_MESSAGE.failedIndexes, now);
        }
      }
      ctx.podsWithDelayedDeletionPerIndex = podsWithDelayedDeletionPerIndex(ctx);
    }
    if (!ctx.finishedCondition) {
      const msg = matchSuccessPolicy(job, ctx.succeededIndexes);
      if (msg) ctx.finishedCondition = newCondition(JOB_CONDITION.successCriteriaMet, 'True', JOB_REASON.successPolicy, msg, now);
    }
  }
  return deadlineIn;
}
