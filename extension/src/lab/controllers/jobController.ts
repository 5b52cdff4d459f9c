/**
 * JobController runs each Job's pods to completion, as upstream's
 * pkg/controller/job: it keeps up to parallelism pods running until completions
 * have succeeded (one per index for Indexed jobs), waits a doubling back-off
 * before replacing failed pods, fails the job past backoffLimit,
 * activeDeadlineSeconds or a podFailurePolicy FailJob rule, honours suspend, and
 * counts finished pods through the batch.kubernetes.io/job-tracking finalizer.
 */
import type { Clock } from '../clock';
import { selectorMatches } from '../api/labels';
import { controllerOf, keyOf, timestamp } from '../api/meta';
import { isPodActive, isPodReady } from '../api/pods';
import type { Pod } from '../api/types';
import { isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import { EventRecorder } from '../client/eventRecorder';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { JOBS, PODS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { Expectations } from './controllerUtils';
import { JOB_CONDITION, ensureJobConditionStatus, isJobFinished, isSuspended, managedByExternalController, newCondition } from './jobConditions';
import { matchPodFailurePolicy } from './jobFailurePolicy';
import { hasBackoffLimitPerIndex, isIndexedJob } from './jobIndexes';
import { JobPodControl } from './jobPodControl';
import { JOB_TRACKING_FINALIZER, type BackoffRecord, hasTrackingFinalizer, isPodFailed, isPodTerminating, nextBackoffRecord, onlyReplaceFailedPods, remainingBackoff, removeTrackingFinalizerPatch } from './jobPods';
import { type SyncJobCtx, recordJobFinished, trackJobStatusAndRemoveFinalizers, withoutZeroCounters } from './jobStatusTracker';
import { evaluateFinishedCondition, firstPendingIndexesFor, podsForRemoval, validPods } from './jobSyncIndexes';
import { addPodClaimIndexes, claimCandidates, CONTROLLER_UID_INDEX } from './podClaimIndexes';

/** SYNC_JOB_BATCH_PERIOD_MS is syncJobBatchPeriod: pod events are batched into one sync a second. */
export const SYNC_JOB_BATCH_PERIOD_MS = 1000;
/** DefaultJobApiBackOff and MaxJobApiBackOff: a failed sync is retried after 1 s doubling to a minute. */
const API_BACKOFF = { baseMs: 1000, maxMs: 60_000 };
/** MAX_POD_CREATE_DELETE_PER_SYNC is MaxPodCreateDeletePerSync. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

export class JobController {
  private readonly queue: WorkQueue;
  private readonly orphanQueue: WorkQueue;
  private readonly expectations: Expectations;
  /** finalizerExpectations are, per job, the pods whose finalizer removal is not yet seen. */
  private readonly finalizerExpectations = new Map<string, Set<string>>();
  private readonly backoffs = new Map<string, BackoffRecord>();
  private readonly recorder: EventRecorder;
  private readonly podControl: JobPodControl;
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock, API_BACKOFF);
    this.orphanQueue = new WorkQueue(clock, API_BACKOFF);
    this.expectations = new Expectations(clock);
    this.recorder = new EventRecorder(client, clock, { component: 'job-controller' });
    this.podControl = new JobPodControl(client, this.recorder);
    this.jobs = factory.informer<Job>(JOBS);
    this.pods = factory.informer<Pod>(PODS);
    addPodClaimIndexes(this.pods);
    this.jobs.addEventHandler({
      onAdd: (job) => this.queue.add(keyOf(job)),
      onUpdate: (old, job) => this.updateJob(old, job),
      onDelete: (job) => {
        this.queue.add(keyOf(job));
        this.cleanupPodFinalizers(job);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.addPod(pod),
      onUpdate: (old, pod) => this.updatePod(old, pod),
      onDelete: (pod) => this.deletePod(pod, true),
    });
  }

  run(workers = 2): void {
    this.queue.run((key) => this.syncJob(key), workers);
    this.orphanQueue.run((key) => this.syncOrphanPod(key), 1);
  }

  stop(): void {
    this.queue.shutDown();
    this.orphanQueue.shutDown();
  }

  /** enqueueBatched is enqueueSyncJobBatched: pod events and status updates wait a batch period. */
  private enqueueBatched(job: Job, delay = SYNC_JOB_BATCH_PERIOD_MS): void {
    this.queue.addAfter(keyOf(job), Math.max(delay, SYNC_JOB_BATCH_PERIOD_MS));
  }

  /** resolveControllerRef returns the Job a pod's controller reference names, if that Job (same uid) is known. */
  private resolveControllerRef(pod: Pod): Job | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job') return undefined;
    const job = this.jobs.get(`${pod.metadata.namespace ?? ''}/${ref.name}`);
    return job?.metadata.uid === ref.uid ? job : undefined;
  }

  /** podJobs returns the Jobs whose selector matches an orphan pod. */
  private podJobs(pod: Pod): Job[] {
    return this.jobs.list().filter((j) => j.metadata.namespace === pod.metadata.namespace && selects(j, pod));
  }

  private addPod(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod, false);
    if (controllerOf(pod)) {
      const job = this.resolveControllerRef(pod);
      if (!job) return;
      this.expectations.creationObserved(keyOf(job));
      return this.enqueueBatched(job);
    }
    if (hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
    for (const job of this.podJobs(pod)) this.enqueueBatched(job);
  }

  private updatePod(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod, false);
    const finalizerRemoved = !hasTrackingFinalizer(pod);
    const cur = controllerOf(pod);
    const prev = controllerOf(old);
    const refChanged = JSON.stringify(cur) !== JSON.stringify(prev);
    if (refChanged && prev) {
      const oldJob = this.resolveControllerRef(old);
      if (oldJob) {
        if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(oldJob), pod.metadata.uid ?? '');
        this.enqueueBatched(oldJob);
      }
    }
    if (cur) {
      const job = this.resolveControllerRef(pod);
      if (!job) return;
      if (finalizerRemoved) this.finalizerRemovalObserved(keyOf(job), pod.metadata.uid ?? '');
      return this.enqueueBatched(job);
    }
    if (hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
    if (refChanged || JSON.stringify(pod.metadata.labels) !== JSON.stringify(old.metadata.labels)) {
      for (const job of this.podJobs(pod)) this.enqueueBatched(job);
    }
  }

  /** deletePod handles a pod gone (final) or marked for deletion. */
  private deletePod(pod: Pod, final: boolean): void {
    const hasFinalizer = hasTrackingFinalizer(pod);
    if (!controllerOf(pod)) {
      // The garbage collector may have dropped the reference of a pod that still has the finalizer.
      if (hasFinalizer) this.orphanQueue.add(keyOf(pod));
      return;
    }
    const job = this.resolveControllerRef(pod);
    if (!job || isJobFinished(job)) {
      if (hasFinalizer) this.orphanQueue.add(keyOf(pod));
      return;
    }
    const key = keyOf(job);
    this.expectations.deletionObserved(key);
    if (final || !hasFinalizer) this.finalizerRemovalObserved(key, pod.metadata.uid ?? '');
    this.enqueueBatched(job);
  }

  private updateJob(old: Job, job: Job): void {
    const key = keyOf(job);
    // A spec change syncs at once; status updates are batched like pod events.
    if (job.metadata.generation === old.metadata.generation) this.enqueueBatched(job);
    else this.queue.add(key);
    if (isJobFinished(job)) this.cleanupPodFinalizers(job);
    const ads = job.spec?.activeDeadlineSeconds;
    if (job.status?.startTime && ads != null && old.spec?.activeDeadlineSeconds !== ads) {
      this.queue.addAfter(key, ads * 1000 - (this.clock.now() - Date.parse(job.status.startTime)));
    }
  }

  /** cleanupPodFinalizers queues the job's pods that keep the finalizer, for a job finished or gone. */
  private cleanupPodFinalizers(job: Job): void {
    for (const pod of this.pods.byIndex(CONTROLLER_UID_INDEX, job.metadata.uid ?? '')) {
      if (pod.metadata.namespace === job.metadata.namespace && selects(job, pod) && hasTrackingFinalizer(pod)) this.orphanQueue.add(keyOf(pod));
    }
  }

  private finalizerRemovalObserved(key: string, uid: string): void {
    this.finalizerExpectations.get(key)?.delete(uid);
  }

  /** syncOrphanPod removes the tracking finalizer from a pod no unfinished Job of ours controls. */
  private async syncOrphanPod(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    const ref = controllerOf(pod);
    if (ref) {
      // A pod controlled by something other than a batch/v1 Job keeps its finalizers.
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.resolveControllerRef(pod);
      if (job && managedByExternalController(job)) return;
      if (job && !isJobFinished(job)) return;
    }
    const patch = removeTrackingFinalizerPatch(pod);
    if (!patch) return;
    const r = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, 'application/strategic-merge-patch+json');
    if (isStatus(r) && r.code !== 404) this.orphanQueue.addRateLimited(key);
    else this.orphanQueue.forget(key);
  }

  /**
   * podsForJob is getPodsForJob: the namespace's pods this job controls and still
   * selects, after adopting matching orphans (with the finalizer) and releasing
   * pods it no longer selects; undefined when an API call failed.
   */
  private async podsForJob(job: Job): Promise<Pod[] | undefined> {
    const claimed: Pod[] = [];
    let ok = true;
    let canAdopt: boolean | undefined;
    for (const pod of claimCandidates(this.pods, job.metadata.namespace ?? '', job.metadata.uid ?? '')) {
      const ref = controllerOf(pod);
      const matches = selects(job, pod);
      if (ref) {
        if (ref.uid !== job.metadata.uid) continue;
        if (matches) claimed.push(pod);
        else if (!job.metadata.deletionTimestamp) ok = (await this.podControl.release(job, pod)) && ok;
        continue;
      }
      if (!matches || job.metadata.deletionTimestamp || pod.metadata.deletionTimestamp) continue;
      canAdopt ??= await this.recheckDeletionTimestamp(job);
      if (!canAdopt) continue;
      const adopted = await this.podControl.adopt(job, pod);
      if (adopted === undefined) ok = false;
      // Adopted pods count as carrying the finalizer for the rest of this sync.
      else if (adopted) claimed.push(hasTrackingFinalizer(pod) ? pod : { ...pod, metadata: { ...pod.metadata, finalizers: [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER] } });
    }
    return ok ? claimed : undefined;
  }

  /** recheckDeletionTimestamp reads the job afresh before adopting: same uid, not being deleted. */
  private async recheckDeletionTimestamp(job: Job): Promise<boolean> {
    const fresh = await this.client.get<Job>(JOBS, job.metadata.namespace ?? '', job.metadata.name ?? '');
    return !isStatus(fresh) && fresh.metadata.uid === job.metadata.uid && !fresh.metadata.deletionTimestamp;
  }

  /** syncJob is syncJob: one reconciliation of a Job's pods and status. */
  private async syncJob(key: string): Promise<void> {
    const shared = this.jobs.get(key);
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoffs.delete(key);
      return;
    }
    if (managedByExternalController(shared)) return;
    const job: Job = { ...structuredClone(shared), apiVersion: 'batch/v1', kind: 'Job' };
    if (isJobFinished(job)) {
      this.backoffs.delete(key);
      return;
    }
    const mode = job.spec?.completionMode;
    if (mode != null && mode !== 'NonIndexed' && mode !== 'Indexed') {
      await this.recorder.event(job, 'Warning', 'UnknownCompletionMode', 'Skipped Job sync because completion mode is unknown');
      return;
    }
    const status = (job.status ??= {});
    status.uncountedTerminatedPods ??= {};
    // Expectations are read before the pods, so a pod created meanwhile only defers the sync.
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.podsForJob(job);
    if (!pods) return this.queue.addRateLimited(key);
    const activePods = pods.filter(isPodActive);
    const ctx: SyncJobCtx = {
      key, job, pods, activePods,
      succeeded: 0, failed: 0, prevSucceededIndexes: [], succeededIndexes: [],
      newBackoffRecord: { failuresAfterLastSuccess: 0 },
      expectedRmFinalizers: new Set(this.finalizerExpectations.get(key) ?? []),
      uncounted: { succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods.failed ?? []) },
      podsWithDelayedDeletionPerIndex: new Map(),
      terminating: pods.filter(isPodTerminating).length,
      ready: activePods.filter(isPodReady).length,
    };
    let active = activePods.length;
    const newSucceeded = validPods(ctx, ctx.uncounted.succeeded, (p) => p.status?.phase === 'Succeeded');
    const newFailed = validPods(ctx, ctx.uncounted.failed, (p) => isPodFailed(p, job));
    ctx.succeeded = (status.succeeded ?? 0) + newSucceeded.length + ctx.uncounted.succeeded.size;
    ctx.failed = (status.failed ?? 0) + newFailed.filter((p) => matchPodFailurePolicy(job.spec?.podFailurePolicy, p).countFailed).length + ctx.uncounted.failed.size;
    const now = this.clock.now();
    if (!status.startTime && !isSuspended(job)) status.startTime = timestamp(now);
    ctx.newBackoffRecord = nextBackoffRecord(this.backoffs.get(key), newSucceeded, newFailed);

    const deadlineIn = evaluateFinishedCondition(ctx, now);
    if (deadlineIn !== undefined) this.queue.addAfter(key, deadlineIn);

    let manageOk = true;
    let suspendCondChanged = false;
    if (ctx.finishedCondition) {
      // Active pods are deleted (finalizers kept); the job finishes once none is left.
      const r = await this.podControl.deleteActivePods(job, ctx.activePods);
      if (r.deleted !== active || !satisfied) ctx.finishedCondition = undefined;
      active -= r.deleted;
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      manageOk = r.ok;
    } else {
      let manageJobCalled = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        const r = await this.manageJob(job, ctx);
        active = r.active;
        manageOk = r.ok;
        manageJobCalled = true;
      }
      const completions = job.spec?.completions;
      const complete = completions == null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
      if (complete) {
        ctx.finishedCondition = newCondition(JOB_CONDITION.successCriteriaMet, 'True', '', '', now);
      } else if (manageJobCalled) {
        const suspended = isSuspended(job);
        const r = suspended
          ? ensureJobConditionStatus(status.conditions, JOB_CONDITION.suspended, 'True', 'JobSuspended', 'Job suspended', now)
          : ensureJobConditionStatus(status.conditions, JOB_CONDITION.suspended, 'False', 'JobResumed', 'Job resumed', now);
        if (r.changed) {
          status.conditions = r.conditions;
          suspendCondChanged = true;
          await this.recorder.event(job, 'Normal', suspended ? 'Suspended' : 'Resumed', suspended ? 'Job suspended' : 'Job resumed');
          // activeDeadlineSeconds counts from the resume, as for a job created suspended.
          if (!suspended) status.startTime = timestamp(now);
        }
      }
    }
    const needsStatusUpdate = suspendCondChanged || active !== (status.active ?? 0) || ctx.ready !== status.ready || ctx.terminating !== status.terminating;
    status.active = active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    const tracked = await trackJobStatusAndRemoveFinalizers(this.trackerApi(), ctx, needsStatusUpdate);
    if (!tracked || !manageOk) this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /**
   * manageJob is manageJob: it deletes every active pod of a suspended job, else
   * the surplus over what is wanted, else creates the missing pods once the
   * back-off since the last failure has passed. It answers the active count.
   */
  private async manageJob(job: Job, ctx: SyncJobCtx): Promise<{ active: number; ok: boolean }> {
    const key = ctx.key;
    const active = ctx.activePods.length;
    const parallelism = job.spec?.parallelism ?? 1;
    const completions = job.spec?.completions;
    if (isSuspended(job)) {
      const victims = podsForRemoval(job, ctx.activePods, active);
      this.expectations.expect(key, 0, victims.length);
      const r = await this.podControl.deleteJobPods(job, victims, () => this.expectations.deletionObserved(key));
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active: active - r.deleted, ok: r.ok };
    }
    let wantActive: number;
    if (completions == null) wantActive = ctx.succeeded > 0 ? active : parallelism;
    else wantActive = Math.max(0, Math.min(completions - ctx.succeeded, parallelism));
    const victims = podsForRemoval(job, ctx.activePods, Math.max(0, active - wantActive)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
    if (victims.length > 0) {
      // A sync either deletes or creates; deletion (of surplus or duplicate indexes) comes first.
      this.expectations.expect(key, 0, victims.length);
      const r = await this.podControl.deleteJobPods(job, victims, () => this.expectations.deletionObserved(key));
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active: active - r.deleted, ok: r.ok };
    }
    const terminating = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active, ok: true };
    let remaining = 0;
    if (!hasBackoffLimitPerIndex(job)) remaining = remainingBackoff(this.clock.now(), ctx.newBackoffRecord.failuresAfterLastSuccess, ctx.newBackoffRecord.lastFailureTime);
    // Upstream reports no active pods while it waits out the back-off.
    if (remaining > 0) {
      this.enqueueBatched(job, remaining);
      return { active: 0, ok: true };
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (isIndexedJob(job)) {
      const pending = firstPendingIndexesFor(ctx, diff, this.clock.now());
      if (pending.remaining > 0) {
        this.enqueueBatched(job, pending.remaining);
        return { active: 0, ok: true };
      }
      indexes = pending.indexes;
      diff = indexes.length;
    }
    this.expectations.expect(key, diff, 0);
    const created = await this.podControl.createPods(job, diff, indexes, ctx.podsWithDelayedDeletionPerIndex, () => this.expectations.creationObserved(key));
    return { active: active + created.created, ok: created.ok };
  }

  private trackerApi(): Parameters<typeof trackJobStatusAndRemoveFinalizers>[0] {
    return {
      now: () => this.clock.now(),
      updateStatus: async (job) => {
        const r = await this.client.updateStatus<Job>(JOBS, withoutZeroCounters(job));
        if (isStatus(r)) return undefined;
        const updated: Job = { ...r, apiVersion: 'batch/v1', kind: 'Job' };
        (updated.status ??= {}).uncountedTerminatedPods ??= {};
        return updated;
      },
      removeFinalizers: (jobKey, pods) => {
        const expected = this.finalizerExpectations.get(jobKey) ?? new Set<string>();
        this.finalizerExpectations.set(jobKey, expected);
        for (const p of pods) expected.add(p.metadata.uid ?? '');
        // No update will come for a failed removal.
        return this.podControl.removeTrackingFinalizers(pods, (uid) => expected.delete(uid));
      },
      saveBackoffRecord: (k, record) => this.backoffs.set(k, record),
      recordJobFinished: (job, cond) => recordJobFinished(this.recorder, job, cond),
    };
  }
}

/** selects reports whether a job's selector matches a pod's labels (a missing selector matches nothing). */
function selects(job: Job, pod: Pod): boolean {
  return selectorMatches(job.spec?.selector ?? undefined, pod.metadata.labels);
}
