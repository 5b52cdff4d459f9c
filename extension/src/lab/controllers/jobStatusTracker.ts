/**
 * jobStatusTracker counts a Job's finished pods through the tracking finalizer,
 * as upstream's trackJobStatusAndRemoveFinalizers: a finished pod's UID is first
 * written to status.uncountedTerminatedPods, then its finalizer is removed, then
 * it moves into the succeeded/failed counters — so no pod is counted twice or
 * lost, whatever fails in between. The terminal condition comes last, once
 * nothing is uncounted or terminating.
 */
import type { Condition, Pod } from '../api/types';
import type { Job, JobStatus } from '../apiserver/validation/types/batch';
import type { EventRecorder } from '../client/eventRecorder';
import { JOB_CONDITION, ensureJobConditionStatus, newCondition, trueCondition } from './jobConditions';
import { matchPodFailurePolicy } from './jobFailurePolicy';
import { type Interval, UNKNOWN_INDEX, completionIndex, formatIntervals, hasBackoffLimitPerIndex, hasIndex, isIndexedJob, totalIndexes, withOrderedIndexes } from './jobIndexes';
import { type BackoffRecord, hasTrackingFinalizer, isPodFailed } from './jobPods';

/** MAX_UNCOUNTED_PODS is MaxUncountedPods: the uncounted lists stay under about 20 KB. */
export const MAX_UNCOUNTED_PODS = 500;

/** SyncJobCtx is syncJobCtx: what one sync of a Job has worked out so far. */
export interface SyncJobCtx {
  key: string;
  job: Job;
  pods: Pod[];
  activePods: Pod[];
  finishedCondition?: Condition;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  failedIndexes?: Interval[];
  newBackoffRecord: BackoffRecord;
  /** expectedRmFinalizers are pods whose finalizer removal was asked for but not yet seen. */
  expectedRmFinalizers: ReadonlySet<string>;
  uncounted: { succeeded: ReadonlySet<string>; failed: ReadonlySet<string> };
  podsWithDelayedDeletionPerIndex: Map<number, Pod>;
  terminating: number;
  ready: number;
}

/** TrackerApi is what tracking needs of the controller: the API calls and the records kept between syncs. */
export interface TrackerApi {
  now(): number;
  /** updateStatus writes the job's status, answering the stored job or undefined on failure. */
  updateStatus(job: Job): Promise<Job | undefined>;
  /** removeFinalizers patches the tracking finalizer out of pods, telling which succeeded (a gone pod counts) and whether any failed. */
  removeFinalizers(jobKey: string, pods: Pod[]): Promise<{ removed: boolean[]; failed: boolean }>;
  saveBackoffRecord(key: string, record: BackoffRecord): void;
  recordJobFinished(job: Job, condition: Condition): Promise<void>;
}

/** isSuccessCriteriaMet reports a True SuccessCriteriaMet condition. */
export function isSuccessCriteriaMet(c: Condition | undefined): boolean {
  return c?.type === JOB_CONDITION.successCriteriaMet && c.status === 'True';
}

/** uncountedOf returns status.uncountedTerminatedPods, made present. */
function uncountedOf(status: JobStatus): { succeeded?: string[]; failed?: string[] } {
  status.uncountedTerminatedPods ??= {};
  return status.uncountedTerminatedPods;
}

/**
 * cleanUncountedPodsWithoutFinalizers moves the uncounted UIDs whose finalizer is
 * gone into the counters; it reports whether the status changed.
 */
export function cleanUncountedPodsWithoutFinalizers(status: JobStatus, uidsWithFinalizer: ReadonlySet<string>): boolean {
  const uncounted = uncountedOf(status);
  let updated = false;
  for (const kind of ['succeeded', 'failed'] as const) {
    const list = uncounted[kind] ?? [];
    const kept = list.filter((uid) => uidsWithFinalizer.has(uid));
    if (kept.length === list.length) continue;
    updated = true;
    status[kind] = (status[kind] ?? 0) + list.length - kept.length;
    if (kept.length) uncounted[kind] = kept;
    else delete uncounted[kind];
  }
  return updated;
}

/**
 * canRemoveFinalizer: when the job is deleted or finishing, or the pod succeeded,
 * or it failed — unless it is the failed pod of an index kept until its
 * replacement carries the index's failure count.
 */
function canRemoveFinalizer(ctx: SyncJobCtx, pod: Pod, considerFailed: boolean): boolean {
  if (ctx.job.metadata.deletionTimestamp || ctx.finishedCondition || pod.status?.phase === 'Succeeded') return true;
  if (!considerFailed) return false;
  if (hasBackoffLimitPerIndex(ctx.job)) {
    const ix = completionIndex(pod);
    if (ix !== UNKNOWN_INDEX && ctx.podsWithDelayedDeletionPerIndex.get(ix)?.metadata.uid === pod.metadata.uid) return false;
  }
  return true;
}

/**
 * trackJobStatusAndRemoveFinalizers adds finished pods to the uncounted lists,
 * removes their finalizers, moves them into the counters and, when everything is
 * counted, adds the terminal condition. It reports whether every call succeeded.
 */
export async function trackJobStatusAndRemoveFinalizers(api: TrackerApi, ctx: SyncJobCtx, needsFlushIn: boolean): Promise<boolean> {
  let needsFlush = needsFlushIn;
  const job = ctx.job;
  const status = (job.status ??= {});
  const completions = job.spec?.completions ?? 0;
  const indexed = isIndexedJob(job);
  const uncounted = uncountedOf(status);
  const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
  const uidsWithFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !ctx.expectedRmFinalizers.has(p.metadata.uid ?? '')).map((p) => p.metadata.uid ?? ''));
  if (cleanUncountedPodsWithoutFinalizers(status, uidsWithFinalizer)) needsFlush = true;
  const podsToRemoveFinalizer: Pod[] = [];
  const newSucceededIndexes: number[] = [];
  let reachedMaxUncountedPods = false;
  for (const pod of pods) {
    const uid = pod.metadata.uid ?? '';
    if (!hasTrackingFinalizer(pod) || ctx.expectedRmFinalizers.has(uid)) continue;
    const considerFailed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(ctx, pod, considerFailed)) continue;
    podsToRemoveFinalizer.push(pod);
    if (pod.status?.phase === 'Succeeded' && !ctx.uncounted.failed.has(uid)) {
      if (indexed) {
        // The completion index is enough to avoid counting a success twice.
        const ix = completionIndex(pod);
        if (ix !== UNKNOWN_INDEX && ix < completions && !hasIndex(ctx.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!ctx.uncounted.succeeded.has(uid)) {
        needsFlush = true;
        (uncounted.succeeded ??= []).push(uid);
      }
    } else if (considerFailed || (ctx.finishedCondition && !isSuccessCriteriaMet(ctx.finishedCondition))) {
      // Once the job is finishing, every pod that did not succeed counts as failed.
      const ix = completionIndex(pod);
      if (!ctx.uncounted.failed.has(uid) && (!indexed || (ix !== UNKNOWN_INDEX && ix < completions))) {
        if (matchPodFailurePolicy(job.spec?.podFailurePolicy, pod).countFailed) {
          needsFlush = true;
          (uncounted.failed ??= []).push(uid);
        }
      }
    }
    if (newSucceededIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
      // The rest waits for the next sync, which the status update triggers.
      reachedMaxUncountedPods = true;
      break;
    }
  }
  if (indexed) {
    ctx.succeededIndexes = withOrderedIndexes(ctx.succeededIndexes, newSucceededIndexes);
    const completed = formatIntervals(ctx.succeededIndexes);
    if (completed !== (status.completedIndexes ?? '')) needsFlush = true;
    status.succeeded = totalIndexes(ctx.succeededIndexes);
    status.completedIndexes = completed;
    const failedIndexes = ctx.failedIndexes ? formatIntervals(ctx.failedIndexes) : undefined;
    if (failedIndexes !== (status.failedIndexes ?? undefined)) {
      if (failedIndexes === undefined) delete status.failedIndexes;
      else status.failedIndexes = failedIndexes;
      needsFlush = true;
    }
  }
  const now = api.now();
  if (ctx.finishedCondition?.type === JOB_CONDITION.failureTarget) {
    // The interim FailureTarget is written before finalizers go; Failed follows once all is counted.
    status.conditions = [...(status.conditions ?? []), ctx.finishedCondition];
    needsFlush = true;
    ctx.finishedCondition = newCondition(JOB_CONDITION.failed, 'True', ctx.finishedCondition.reason ?? '', ctx.finishedCondition.message ?? '', now);
  }
  if (isSuccessCriteriaMet(ctx.finishedCondition)) {
    const met = ctx.finishedCondition as Condition;
    if (!trueCondition(job, JOB_CONDITION.successCriteriaMet)) {
      status.conditions = [...(status.conditions ?? []), met];
      needsFlush = true;
    }
    ctx.finishedCondition = newCondition(JOB_CONDITION.complete, 'True', met.reason ?? '', met.message ?? '', now);
  }
  const flushed = await flushUncountedAndRemoveFinalizers(api, ctx, podsToRemoveFinalizer, uidsWithFinalizer, needsFlush);
  if (!flushed.ok) return false;
  needsFlush = flushed.needsFlush;
  const jobFinished = !reachedMaxUncountedPods && enactJobFinished(ctx, now);
  if (jobFinished) needsFlush = true;
  if (needsFlush) {
    const updated = await api.updateStatus(ctx.job);
    if (!updated) return false;
    if (jobFinished && ctx.finishedCondition) await api.recordJobFinished(updated, ctx.finishedCondition);
  }
  return true;
}

/**
 * flushUncountedAndRemoveFinalizers writes the status with the new uncounted
 * UIDs (and interim conditions), removes the finalizers, and counts the pods
 * whose finalizer went; after a failed removal it writes the partial progress.
 */
async function flushUncountedAndRemoveFinalizers(api: TrackerApi, ctx: SyncJobCtx, podsToRemoveFinalizer: Pod[], uidsWithFinalizer: Set<string>, needsFlushIn: boolean): Promise<{ ok: boolean; needsFlush: boolean }> {
  let needsFlush = needsFlushIn;
  if (needsFlush) {
    const updated = await api.updateStatus(ctx.job);
    if (!updated) return { ok: false, needsFlush };
    ctx.job = updated;
    api.saveBackoffRecord(ctx.key, ctx.newBackoffRecord);
    needsFlush = false;
  }
  let rmOk = true;
  if (podsToRemoveFinalizer.length > 0) {
    const { removed, failed } = await api.removeFinalizers(ctx.key, podsToRemoveFinalizer);
    rmOk = !failed;
    podsToRemoveFinalizer.forEach((p, i) => { if (removed[i]) uidsWithFinalizer.delete(p.metadata.uid ?? ''); });
  }
  if (cleanUncountedPodsWithoutFinalizers((ctx.job.status ??= {}), uidsWithFinalizer)) needsFlush = true;
  // After a failed removal, the partial progress is written before the sync is retried.
  if (!rmOk && needsFlush) await api.updateStatus(ctx.job);
  return { ok: rmOk, needsFlush };
}

/**
 * enactJobFinished adds the Complete or Failed condition (and the completion
 * time) once no pod is uncounted or terminating; it reports whether it did.
 */
function enactJobFinished(ctx: SyncJobCtx, now: number): boolean {
  const cond = ctx.finishedCondition;
  if (!cond) return false;
  const status = (ctx.job.status ??= {});
  const uncounted = status.uncountedTerminatedPods;
  if ((uncounted?.succeeded?.length ?? 0) + (uncounted?.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  status.conditions = ensureJobConditionStatus(status.conditions, cond.type, cond.status, cond.reason ?? '', cond.message ?? '', now).conditions;
  if (cond.type === JOB_CONDITION.complete) status.completionTime = cond.lastTransitionTime;
  return true;
}

/** recordJobFinished records the events of a finished job: Completed (warning of surplus successes), or the failure's reason and message. */
export async function recordJobFinished(recorder: EventRecorder, job: Job, cond: Condition): Promise<void> {
  if (cond.type !== JOB_CONDITION.complete) return recorder.event(job, 'Warning', cond.reason ?? '', cond.message ?? '');
  const completions = job.spec?.completions;
  if (completions != null && (job.status?.succeeded ?? 0) > completions) await recorder.event(job, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
  await recorder.event(job, 'Normal', 'Completed', 'Job completed');
}

/** withoutZeroCounters leaves out active, succeeded and failed when 0, as their omitempty tags do. */
export function withoutZeroCounters(job: Job): Job {
  const status = { ...job.status };
  for (const k of ['active', 'succeeded', 'failed'] as const) if (status[k] === 0) delete status[k];
  return { ...job, status };
}
