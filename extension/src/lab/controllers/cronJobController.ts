/**
 * CronJobController creates a Job for each run of a CronJob's schedule, as
 * upstream's cronjob ControllerV2: it wakes at the next run (a timer on the
 * lab clock, never a poll), starts the latest run it missed within
 * startingDeadlineSeconds, applies the concurrency policy, keeps status.active,
 * lastScheduleTime and lastSuccessfulTime, and prunes finished Jobs past the
 * history limits. It only creates, reads and deletes Jobs; running them is the
 * Job controller's business.
 */
import type { Clock, Timer } from '../clock';
import { controllerOf, keyOf, timestamp } from '../api/meta';
import type { OwnerReference } from '../api/types';
import { isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import { isKnownTimeZone } from '../apiserver/validation/batch';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { CRONJOBS, JOBS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { type Schedule, formatRFC1123Z, parseSchedule } from './cronJobSchedule';
import {
  type CronJob, byJobStartTime, deleteFromActiveList, finishedCondition, formatSchedule, inActiveList, inActiveListByName, jobFromTemplate, jobName,
  jobReference, nextScheduleTime, nextScheduleTimeDuration,
} from './cronJobUtils';

/** ConcurrentCronJobSyncs' default. */
const WORKERS = 5;

/** SyncResult is what syncCronJob decides: when to look again, whether status changed, and the CronJob as it now stands. */
interface SyncResult {
  cronJob: CronJob;
  updateStatus: boolean;
  requeueAfter?: number;
  error?: string;
}

export class CronJobController {
  private readonly queue: WorkQueue;
  private readonly recorder: EventRecorder;
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  /** waiting holds each key's pending wake-up; as client-go's delaying queue, a key waits only for its earliest. */
  private readonly waiting = new Map<string, { due: number; timer: Timer }>();

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'cronjob-controller' });
    this.cronJobs = factory.informer<CronJob>(CRONJOBS);
    this.jobs = factory.informer<Job>(JOBS);
    // Upstream lists a namespace's jobs and keeps those whose controller reference names the CronJob.
    this.jobs.addIndexer('controllerName', (j) => { const c = controllerOf(j); return c ? [`${j.metadata.namespace ?? ''}/${c.name}`] : []; });
    this.cronJobs.addEventHandler({
      onAdd: (cj) => this.queue.add(keyOf(cj)),
      onUpdate: (old, cj) => void this.updateCronJob(old, cj),
      onDelete: (cj) => this.queue.add(keyOf(cj)),
    });
    this.jobs.addEventHandler({
      onAdd: (job) => this.enqueueOwner(job, controllerOf(job)),
      onUpdate: (old, job) => {
        if (old.metadata.resourceVersion === job.metadata.resourceVersion) return;
        const oldRef = controllerOf(old);
        const ref = controllerOf(job);
        if (oldRef && JSON.stringify(oldRef) !== JSON.stringify(ref)) this.enqueueOwner(old, oldRef);
        this.enqueueOwner(job, ref);
      },
      onDelete: (job) => this.enqueueOwner(job, controllerOf(job)),
    });
  }

  run(workers = WORKERS): void {
    this.queue.run((key) => this.sync(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
  }

  /** enqueueOwner wakes the CronJob a job's controller reference resolves to (same kind, name and uid). */
  private enqueueOwner(job: Job, ref: OwnerReference | undefined): void {
    if (ref?.kind !== 'CronJob') return;
    const key = `${job.metadata.namespace ?? ''}/${ref.name}`;
    if (this.cronJobs.get(key)?.metadata.uid === ref.uid) this.queue.add(key);
  }

  /**
   * updateCronJob is upstream's handler: a new schedule or time zone waits for its
   * next run; any other change is looked at now.
   */
  private async updateCronJob(old: CronJob, cj: CronJob): Promise<void> {
    const key = keyOf(cj);
    if (old.spec.schedule === cj.spec.schedule && old.spec.timeZone === cj.spec.timeZone) return this.queue.add(key);
    const schedule = parseSchedule(formatSchedule(cj).schedule);
    if (typeof schedule === 'string') {
      await this.recorder.event(cj, 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cj.spec.schedule ?? ''}`);
      return;
    }
    this.enqueueAfter(key, nextScheduleTimeDuration(cj, this.clock.now(), schedule) ?? 0);
  }

  private enqueueAfter(key: string, ms: number): void {
    if (ms <= 0) return this.queue.add(key);
    const due = this.clock.now() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.due <= due) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimer(ms, () => {
      this.waiting.delete(key);
      this.queue.add(key);
    });
    this.waiting.set(key, { due, timer });
  }

  private async sync(key: string): Promise<void> {
    const cj = this.cronJobs.get(key);
    if (!cj) return;
    const jobs = this.jobs.byIndex('controllerName', key);
    // One copy gathers every change, written once at the end.
    const copy = structuredClone(cj);
    const cleanedUp = await this.cleanupFinishedJobs(copy, jobs);
    const result = await this.syncCronJob(copy, jobs);
    if (cleanedUp || result.updateStatus) {
      const status = result.cronJob.status ?? {};
      if (status.active?.length === 0) delete status.active;
      const written = await this.client.updateStatus(CRONJOBS, { ...result.cronJob, status });
      if (isStatus(written)) return this.queue.addRateLimited(key);
    }
    if (result.requeueAfter !== undefined) {
      this.queue.forget(key);
      return this.enqueueAfter(key, result.requeueAfter);
    }
    if (result.error !== undefined) this.queue.addRateLimited(key);
  }

  /** syncCronJob reconciles status with the CronJob's jobs, then starts the run that is due, if any. */
  private async syncCronJob(cj: CronJob, jobs: Job[]): Promise<SyncResult> {
    const now = this.clock.now();
    let cronJob = cj;
    let updateStatus = false;
    const done = (extra: Partial<SyncResult> = {}): SyncResult => ({ cronJob, updateStatus, ...extra });

    const children = new Set<string>();
    for (const job of jobs) {
      children.add(job.metadata.uid ?? '');
      const found = inActiveList(cronJob, job.metadata.uid);
      const finished = finishedCondition(job);
      if (!found && !finished) {
        // Our own status update may not have reached the informer yet: ask the API server.
        const fresh = await this.client.get<CronJob>(CRONJOBS, cronJob.metadata.namespace ?? '', cronJob.metadata.name ?? '');
        if (isStatus(fresh)) return done({ error: fresh.message ?? '' });
        if (inActiveList(fresh, job.metadata.uid)) {
          cronJob = fresh;
          continue;
        }
        await this.recorder.event(cronJob, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name ?? ''}`);
      } else if (finished) {
        if (found) {
          deleteFromActiveList(cronJob, job.metadata.uid);
          await this.recorder.event(cronJob, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name ?? ''}, condition: ${finished}`);
          updateStatus = true;
        }
        const completed = job.status?.completionTime;
        const last = cronJob.status?.lastSuccessfulTime;
        if (finished === 'Complete' && completed && (!last || Date.parse(completed) > Date.parse(last))) {
          cronJob.status = { ...cronJob.status, lastSuccessfulTime: completed };
          updateStatus = true;
        }
      }
    }

    // An active job that no longer exists would keep the CronJob busy forever.
    for (const ref of [...(cronJob.status?.active ?? [])]) {
      if (children.has(ref.uid ?? '')) continue;
      const got = await this.client.get<Job>(JOBS, ref.namespace ?? '', ref.name ?? '');
      if (isStatus(got) && got.code === 404) {
        await this.recorder.event(cronJob, 'Normal', 'MissingJob', `Active job went missing: ${ref.name ?? ''}`);
        deleteFromActiveList(cronJob, ref.uid);
        updateStatus = true;
      } else if (isStatus(got)) return done({ error: got.message ?? '' });
    }

    if (cronJob.metadata.deletionTimestamp) return done();
    const zone = cronJob.spec.timeZone;
    if (typeof zone === 'string' && !isKnownTimeZone(zone)) {
      await this.recorder.event(cronJob, 'Warning', 'UnknownTimeZone', `invalid timeZone: ${JSON.stringify(zone)}: unknown time zone ${zone}`);
      return done();
    }
    if (cronJob.spec.suspend === true) return done();

    const formatted = formatSchedule(cronJob);
    if (formatted.legacyTZ) {
      await this.recorder.event(cronJob, 'Warning', 'UnsupportedSchedule',
        `CRON_TZ or TZ used in schedule ${JSON.stringify(cronJob.spec.schedule ?? '')} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    }
    const schedule = parseSchedule(formatted.schedule);
    if (typeof schedule === 'string') {
      await this.recorder.event(cronJob, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cronJob.spec.schedule ?? '')} : ${schedule}`);
      return done();
    }
    const due = nextScheduleTime(cronJob, now, schedule);
    if (due.tooManyMissed) {
      await this.recorder.event(cronJob, 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    if (due.error) {
      await this.recorder.event(cronJob, 'Warning', 'InvalidSchedule', `invalid schedule: ${cronJob.spec.schedule ?? ''} : ${due.error}`);
      return done();
    }
    const requeue = () => done({ requeueAfter: nextScheduleTimeDuration(cronJob, now, schedule) });
    const scheduled = due.scheduled;
    // Nothing due: only after a restart does a sync come before the run it was woken for.
    if (scheduled === undefined) return requeue();

    const deadline = cronJob.spec.startingDeadlineSeconds;
    if (typeof deadline === 'number' && scheduled + deadline * 1000 < now) {
      await this.recorder.event(cronJob, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${formatRFC1123Z(scheduled)}`);
      return requeue();
    }
    const lastSchedule = cronJob.status?.lastScheduleTime;
    if (inActiveListByName(cronJob, cronJob.metadata.namespace, jobName(cronJob, scheduled)) || (lastSchedule !== undefined && Date.parse(lastSchedule) === scheduled)) return requeue();
    if (cronJob.spec.concurrencyPolicy === 'Forbid' && (cronJob.status?.active ?? []).length > 0) {
      await this.recorder.event(cronJob, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return requeue();
    }
    if (cronJob.spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...(cronJob.status?.active ?? [])]) {
        const job = await this.client.get<Job>(JOBS, ref.namespace ?? '', ref.name ?? '');
        if (isStatus(job)) {
          await this.recorder.event(cronJob, 'Warning', 'FailedGet', `Get job: ${job.message ?? ''}`);
          return done({ error: job.message ?? '' });
        }
        if (!(await this.deleteJob(cronJob, job))) return done({ error: `could not replace job ${job.metadata.namespace ?? ''}/${job.metadata.name ?? ''}` });
        updateStatus = true;
      }
    }
    return this.startJob(cronJob, scheduled, schedule, now, updateStatus);
  }

  /** startJob creates the run's Job (or adopts the one an earlier sync created) and records it in status. */
  private async startJob(cronJob: CronJob, scheduled: number, schedule: Schedule, now: number, updated: boolean): Promise<SyncResult> {
    const request = jobFromTemplate(cronJob, scheduled);
    let job = await this.client.create(JOBS, request);
    if (isStatus(job)) {
      if (job.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) return { cronJob, updateStatus: updated, error: job.message ?? '' };
      if (job.reason !== 'AlreadyExists') {
        await this.recorder.event(cronJob, 'Warning', 'FailedCreate', `Error creating job: ${job.message ?? ''}`);
        return { cronJob, updateStatus: updated, error: job.message ?? '' };
      }
      // The name is a lock on the run: this job is ours if we made it and failed to record it.
      const existing = await this.client.get<Job>(JOBS, request.metadata.namespace ?? '', request.metadata.name ?? '');
      if (isStatus(existing)) return { cronJob, updateStatus: updated, error: existing.message ?? '' };
      if (controllerOf(existing)?.uid !== cronJob.metadata.uid || inActiveList(cronJob, existing.metadata.uid)) return { cronJob, updateStatus: updated };
      job = existing;
    } else {
      await this.recorder.event(cronJob, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name ?? ''}`);
    }
    cronJob.status = { ...cronJob.status, active: [...(cronJob.status?.active ?? []), jobReference(job)], lastScheduleTime: timestamp(scheduled) };
    return { cronJob, updateStatus: true, requeueAfter: nextScheduleTimeDuration(cronJob, now, schedule) };
  }

  /** cleanupFinishedJobs deletes the oldest finished jobs past each history limit; true if status changed. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<boolean> {
    const successfulLimit = cj.spec.successfulJobsHistoryLimit;
    const failedLimit = cj.spec.failedJobsHistoryLimit;
    let changed = false;
    const prune = async (finished: Job[], limit: number | null | undefined) => {
      if (typeof limit !== 'number' || finished.length <= limit) return;
      const oldest = [...finished].sort(byJobStartTime).slice(0, finished.length - limit);
      for (const job of oldest) if (await this.deleteJob(cj, job)) changed = true;
    };
    await prune(jobs.filter((j) => finishedCondition(j) === 'Complete'), successfulLimit);
    await prune(jobs.filter((j) => finishedCondition(j) === 'Failed'), failedLimit);
    return changed;
  }

  /** deleteJob deletes a job (its pods follow in the background) and drops it from status.active. */
  private async deleteJob(cj: CronJob, job: Job): Promise<boolean> {
    const res = await this.client.delete(JOBS, job.metadata.namespace ?? '', job.metadata.name ?? '', { propagationPolicy: 'Background' });
    if (isStatus(res) && res.status === 'Failure') {
      await this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${res.message ?? ''}`);
      return false;
    }
    deleteFromActiveList(cj, job.metadata.uid);
    await this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name ?? ''}`);
    return true;
  }
}
