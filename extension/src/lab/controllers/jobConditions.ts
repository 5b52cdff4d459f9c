/**
 * jobConditions holds the Job's condition types, reasons and messages with
 * upstream's words, and the pure helpers over them (pkg/controller/job/util and
 * the condition helpers of job_controller.go).
 */
import { timestamp } from '../api/meta';
import type { Condition, Pod } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';

/** JOB_CONDITION names the Job condition types. */
export const JOB_CONDITION = {
  complete: 'Complete',
  failed: 'Failed',
  failureTarget: 'FailureTarget',
  successCriteriaMet: 'SuccessCriteriaMet',
  suspended: 'Suspended',
} as const;

/** JOB_REASON holds the reasons of the terminal conditions. */
export const JOB_REASON = {
  backoffLimitExceeded: 'BackoffLimitExceeded',
  deadlineExceeded: 'DeadlineExceeded',
  podFailurePolicy: 'PodFailurePolicy',
  maxFailedIndexesExceeded: 'MaxFailedIndexesExceeded',
  failedIndexes: 'FailedIndexes',
  successPolicy: 'SuccessPolicy',
} as const;

/** JOB_MESSAGE holds the messages that go with those reasons. */
export const JOB_MESSAGE = {
  backoffLimitExceeded: 'Job has reached the specified backoff limit',
  deadlineExceeded: 'Job was active longer than specified deadline',
  maxFailedIndexesExceeded: 'Job has exceeded the specified maximal number of failed indexes',
  failedIndexes: 'Job has failed indexes',
} as const;

/** JOB_CONTROLLER_NAME is the spec.managedBy value this controller answers to. */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** newCondition makes a condition probed and changed now; an empty reason or message is left out, as omitempty does. */
export function newCondition(type: string, status: Condition['status'], reason: string, message: string, now: number): Condition {
  const t = timestamp(now);
  return { type, status, lastProbeTime: t, lastTransitionTime: t, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** findCondition returns the first condition of a type. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * ensureJobConditionStatus replaces the condition of a type when its status,
 * reason or message differ, or appends it unless it would be False; it reports
 * whether the list changed.
 */
export function ensureJobConditionStatus(conditions: readonly Condition[] | undefined, type: string, status: Condition['status'], reason: string, message: string, now: number): { conditions: Condition[]; changed: boolean } {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return { conditions: list, changed: false };
    list[i] = newCondition(type, status, reason, message, now);
    return { conditions: list, changed: true };
  }
  if (status === 'False') return { conditions: list, changed: false };
  return { conditions: [...list, newCondition(type, status, reason, message, now)], changed: true };
}

/** finishedCondition is FinishedCondition: the first Complete or Failed condition that is True. */
export function finishedCondition(job: Job): Condition | undefined {
  return job.status?.conditions?.find((c) => (c.type === JOB_CONDITION.complete || c.type === JOB_CONDITION.failed) && c.status === 'True');
}

/** isJobFinished is IsJobFinished. */
export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

/** trueCondition returns the condition of a type when it is True. */
export function trueCondition(job: Job, type: string): Condition | undefined {
  const c = findCondition(job.status?.conditions, type);
  return c?.status === 'True' ? c : undefined;
}

/** isSuspended reports spec.suspend. */
export function isSuspended(job: Job): boolean {
  return job.spec?.suspend === true;
}

/** managedByExternalController returns spec.managedBy when another controller owns the job's status. */
export function managedByExternalController(job: Job): string | undefined {
  const by = job.spec?.managedBy;
  return by != null && by !== JOB_CONTROLLER_NAME ? by : undefined;
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure, the container restarts
 * of running and pending pods count against backoffLimit (any restart when it is 0).
 */
export function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template?.spec.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    const status = p.status as NonNullable<Pod['status']> & { initContainerStatuses?: { restartCount: number }[] };
    for (const s of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) restarts += s.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/** pastActiveDeadline reports a job, not suspended, running for activeDeadlineSeconds since its start time. */
export function pastActiveDeadline(job: Job, now: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (ads == null || !start || isSuspended(job)) return false;
  return now - Date.parse(start) >= ads * 1000;
}
