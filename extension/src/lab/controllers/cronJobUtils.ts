/**
 * cronJobUtils holds the CronJob controller's pure helpers, as upstream's
 * pkg/controller/cronjob/utils.go: which run is due, when to look again, the
 * Job a run creates, and the status.active bookkeeping.
 */
import type { KubeObject, ObjectReference } from '../api/types';
import type { CronJobSpec, Job } from '../apiserver/validation/types/batch';
import { isKnownTimeZone } from '../apiserver/validation/batch';
import { type Schedule, formatRFC3339 } from './cronJobSchedule';

/** CronJob is batch/v1 CronJob as the controller reads and writes it. */
export interface CronJob extends KubeObject {
  spec: CronJobSpec;
  status?: CronJobStatus;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
}

/** SCHEDULED_TIMESTAMP_ANNOTATION is batchv1.CronJobScheduledTimestampAnnotation: the run's nominal time, RFC 3339 in the CronJob's zone. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** NEXT_SCHEDULE_DELTA_MS pads each requeue (nextScheduleDelta) so clock skew never wakes the controller just before a run. */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** TOO_MANY_MISSED is the number of missed runs past which the controller warns (TooManyMissedTimes). */
const TOO_MANY_MISSED = 100;

/** MissedSchedules is missedSchedulesType. */
export type MissedSchedules = 'none' | 'few' | 'many';

/** MostRecent is what mostRecentScheduleTime finds. */
export interface MostRecent {
  /** earliest is status.lastScheduleTime, else creationTimestamp, raised to now − startingDeadlineSeconds when asked. */
  earliest: number;
  /** mostRecent is the latest run due at or before now and after earliest, if any. */
  mostRecent?: number;
  missed: MissedSchedules;
  error?: string;
}

const ms = (time: string | undefined): number | undefined => (time ? Date.parse(time) : undefined);

/**
 * mostRecentScheduleTime is upstream's function of that name: the latest run
 * due since the last one, and roughly how many were missed. It estimates the
 * count from the gap between the first two runs and only walks the last few,
 * so a CronJob that missed years of minutes costs no more than one that
 * missed two.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadlineSeconds: boolean): MostRecent {
  let earliest = ms(cj.status?.lastScheduleTime) ?? ms(cj.metadata.creationTimestamp) ?? 0;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadlineSeconds && typeof deadline === 'number') {
    // The controller is not going to schedule anything before this point.
    earliest = Math.max(earliest, now - deadline * 1000);
  }
  const t1 = schedule.next(earliest);
  const t2 = t1 === undefined ? undefined : schedule.next(t1);
  if (t1 !== undefined && now < t1) return { earliest, missed: 'none' };
  if (t1 !== undefined && t2 !== undefined && now < t2) return { earliest, mostRecent: t1, missed: 'none' };
  // A schedule such as "59 23 31 2 *" parses but never runs: robfig answers the zero time for both.
  const between = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1 || t1 === undefined) return { earliest, missed: 'none', error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.trunc((now - t1) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  // Start two intervals short of the estimate and let the schedule find the real runs, for irregular ones like "30 6-16/4 * * 1-5".
  let mostRecent: number | undefined;
  for (let t = schedule.next(t1 + (missedCount - 2) * between * 1000); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  const missed: MissedSchedules = missedCount > TOO_MANY_MISSED ? 'many' : missedCount > 0 ? 'few' : 'none';
  return mostRecent === undefined ? { earliest, missed } : { earliest, mostRecent, missed };
}

/**
 * nextScheduleTimeDuration is how long to wait before the next run (plus
 * NEXT_SCHEDULE_DELTA_MS), undefined for a schedule that never runs again.
 */
export function nextScheduleTimeDuration(cj: CronJob, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === 'none' ? r.earliest : now;
  const next = schedule.next(from);
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS - now;
}

/** nextScheduleTime is the run to start now, if any, and whether so many were missed that the controller should warn. */
export function nextScheduleTime(cj: CronJob, now: number, schedule: Schedule): { scheduled?: number; tooManyMissed: boolean; error?: string } {
  const r = mostRecentScheduleTime(cj, now, schedule, true);
  if (r.mostRecent === undefined || r.mostRecent > now) return { tooManyMissed: false, ...(r.error ? { error: r.error } : {}) };
  return { scheduled: r.mostRecent, tooManyMissed: r.missed === 'many', ...(r.error ? { error: r.error } : {}) };
}

/**
 * formatSchedule is upstream's: the schedule with `TZ=<spec.timeZone> ` in front
 * when a valid zone is set; a schedule that names its own zone (TZ=, CRON_TZ=,
 * only kept from before validation refused them) is used as it is, and the
 * controller warns about it.
 */
export function formatSchedule(cj: CronJob): { schedule: string; legacyTZ: boolean } {
  const schedule = cj.spec.schedule ?? '';
  if (schedule.includes('TZ')) return { schedule, legacyTZ: true };
  const zone = cj.spec.timeZone;
  if (typeof zone === 'string' && isKnownTimeZone(zone)) return { schedule: `TZ=${zone} ${schedule}`, legacyTZ: false };
  return { schedule, legacyTZ: false };
}

/** jobName is getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`, so one run can only ever make one Job. */
export function jobName(cj: CronJob, scheduled: number): string {
  return `${cj.metadata.name ?? ''}-${Math.floor(Math.floor(scheduled / 1000) / 60)}`;
}

/** jobFromTemplate is getJobFromTemplate2: the job template's labels, annotations and spec, owned by the CronJob. */
export function jobFromTemplate(cj: CronJob, scheduled: number): Job {
  const template = cj.spec.jobTemplate ?? {};
  // time.LoadLocation("") is UTC, whatever zone the controller runs in.
  const zone = cj.spec.timeZone || 'UTC';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata.namespace,
      ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
      annotations: { ...template.metadata?.annotations, [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339(scheduled, zone) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? '', uid: cj.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** finishedCondition is jobutil.FinishedCondition: Complete or Failed when that condition is True. */
export function finishedCondition(job: Job): 'Complete' | 'Failed' | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

/** byJobStartTime orders jobs oldest start first, jobs not started last, names breaking ties. */
export function byJobStartTime(a: Job, b: Job): number {
  const sa = ms(a.status?.startTime);
  const sb = ms(b.status?.startTime);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return (sa ?? 0) - (sb ?? 0);
}

/** inActiveList reports whether status.active holds a job with this uid. */
export function inActiveList(cj: CronJob, uid: string | undefined): boolean {
  return (cj.status?.active ?? []).some((r) => r.uid === uid);
}

/** inActiveListByName reports whether status.active holds a job with this namespace and name. */
export function inActiveListByName(cj: CronJob, namespace: string | undefined, name: string): boolean {
  return (cj.status?.active ?? []).some((r) => r.name === name && r.namespace === namespace);
}

/** deleteFromActiveList drops the job with this uid from status.active. */
export function deleteFromActiveList(cj: CronJob, uid: string | undefined): void {
  cj.status = { ...cj.status, active: (cj.status?.active ?? []).filter((r) => r.uid !== uid) };
}

/** jobReference is ref.GetReference for a Job: what status.active lists. */
export function jobReference(job: Job): ObjectReference {
  return { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion };
}
