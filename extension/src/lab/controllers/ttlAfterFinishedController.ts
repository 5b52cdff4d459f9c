/**
 * TTLAfterFinishedController deletes finished Jobs ttlSecondsAfterFinished after
 * they finished, as upstream's pkg/controller/ttlafterfinished: a job is looked
 * at again when its TTL should expire, re-read from the API before it goes, and
 * deleted in the foreground with its uid as precondition, so the garbage
 * collector removes its pods first.
 */
import type { Clock } from '../clock';
import { keyOf } from '../api/meta';
import { isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import type { Informer, InformerFactory } from '../client/informer';
import type { KubeClient } from '../client/kubeClient';
import { JOBS } from '../client/resources';
import { WorkQueue } from '../client/workQueue';
import { finishedCondition } from './jobConditions';

/** needsCleanup reports a finished job with ttlSecondsAfterFinished set. */
export function needsCleanup(job: Job): boolean {
  return job.spec?.ttlSecondsAfterFinished != null && finishedCondition(job) !== undefined;
}

/**
 * timeLeft is timeLeft: milliseconds until a finished job's TTL expires (at or
 * below 0 when it has), and when that is; an error message when the job's finish
 * time cannot be told.
 */
export function timeLeft(job: Job, now: number): { remaining: number; expireAt: number } | { error: string } {
  const name = `${job.metadata.namespace ?? ''}/${job.metadata.name ?? ''}`;
  const c = finishedCondition(job);
  if (!c || job.spec?.ttlSecondsAfterFinished == null) return { error: `job ${name} should not be cleaned up` };
  const finishAt = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  if (Number.isNaN(finishAt)) return { error: `unable to find the time when the Job ${name} finished` };
  const expireAt = finishAt + job.spec.ttlSecondsAfterFinished * 1000;
  return { remaining: expireAt - now, expireAt };
}

export class TTLAfterFinishedController {
  private readonly queue: WorkQueue;
  private readonly jobs: Informer<Job>;

  constructor(private readonly client: KubeClient, private readonly clock: Clock, factory: InformerFactory) {
    this.queue = new WorkQueue(clock);
    this.jobs = factory.informer<Job>(JOBS);
    const enqueue = (job: Job): void => {
      if (!job.metadata.deletionTimestamp && needsCleanup(job)) this.queue.add(keyOf(job));
    };
    this.jobs.addEventHandler({ onAdd: enqueue, onUpdate: (_, job) => enqueue(job) });
  }

  run(workers = 1): void {
    this.queue.run((key) => this.processJob(key), workers);
  }

  stop(): void {
    this.queue.shutDown();
  }

  /** processJob deletes the job once its TTL has truly expired, checked again on a fresh read. */
  private async processJob(key: string): Promise<void> {
    const ok = await this.cleanUp(key);
    if (ok) this.queue.forget(key);
    else this.queue.addRateLimited(key);
  }

  private async cleanUp(key: string): Promise<boolean> {
    const job = this.jobs.get(key);
    if (!job) return true;
    const expired = this.processTTL(key, job);
    if (expired !== true) return expired !== undefined;
    // The cached TTL may be stale; only the job as stored now decides.
    const fresh = await this.client.get<Job>(JOBS, job.metadata.namespace ?? '', job.metadata.name ?? '');
    if (isStatus(fresh)) return fresh.code === 404;
    const freshExpired = this.processTTL(key, fresh);
    if (freshExpired !== true) return freshExpired !== undefined;
    const r = await this.client.delete(JOBS, fresh.metadata.namespace ?? '', fresh.metadata.name ?? '', {
      propagationPolicy: 'Foreground',
      preconditions: { uid: fresh.metadata.uid },
    });
    return !isStatus(r) || r.status !== 'Failure';
  }

  /** processTTL: true when the TTL has expired, false (and a later look queued) when not yet, undefined when the finish time is unknown. */
  private processTTL(key: string, job: Job): boolean | undefined {
    if (job.metadata.deletionTimestamp || !needsCleanup(job)) return false;
    const left = timeLeft(job, this.clock.now());
    if ('error' in left) return undefined;
    if (left.remaining <= 0) return true;
    this.queue.addAfter(key, left.remaining);
    return false;
  }
}
