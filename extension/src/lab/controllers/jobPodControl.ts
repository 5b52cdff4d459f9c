/**
 * JobPodControl makes the Job controller's pod calls, as controller.RealPodControl
 * and the pod parts of job_controller.go: it creates pods from the template (with
 * the tracking finalizer and, for Indexed jobs, the completion index), deletes
 * them with upstream's events, and adopts or releases pods.
 */
import { isPodReady } from '../api/pods';
import type { Container, Pod, PodTemplateSpec } from '../api/types';
import { isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import type { EventRecorder } from '../client/eventRecorder';
import type { KubeClient } from '../client/kubeClient';
import { PODS } from '../client/resources';
import { ownerRef, podFromTemplate } from './controllerUtils';
import { COMPLETION_INDEX, COMPLETION_INDEX_ENV, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT, annotationCount, hasBackoffLimitPerIndex, isIndexedJob, podGenerateNameWithIndex } from './jobIndexes';
import { matchPodFailurePolicy } from './jobFailurePolicy';
import { JOB_TRACKING_FINALIZER, removeTrackingFinalizerPatch } from './jobPods';

const SMP = 'application/strategic-merge-patch+json';

/** DeleteResult counts the pods a batch of deletions removed, and the ready ones among them. */
export interface DeleteResult {
  deleted: number;
  deletedReady: number;
  ok: boolean;
}

export class JobPodControl {
  constructor(private readonly client: KubeClient, private readonly recorder: EventRecorder) {}

  /**
   * createPods creates count pods (one per index for Indexed jobs) in slow-start
   * batches of 1, 2, 4…, stopping after a batch with a failure; notCreated is
   * called once for every pod that will not be observed.
   */
  async createPods(job: Job, count: number, indexes: readonly number[], delayed: ReadonlyMap<number, Pod>, notCreated: () => void): Promise<{ created: number; ok: boolean }> {
    const template = structuredClone(job.spec?.template) as PodTemplateSpec;
    if (isIndexedJob(job)) for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) addCompletionIndexEnv(c);
    template.metadata = { ...template.metadata };
    if (!template.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER)) template.metadata.finalizers = [...(template.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
    let created = 0;
    let attempted = 0;
    let ok = true;
    for (let batch = Math.min(count, 1); attempted < count && ok; batch = Math.min(2 * batch, count - attempted)) {
      const results = await Promise.all(Array.from({ length: batch }, (_, i) => this.createPod(job, template, indexes[attempted + i], delayed)));
      attempted += batch;
      for (const r of results) {
        if (r) created++;
        else {
          ok = false;
          notCreated();
        }
      }
    }
    // Pods never attempted after a failed batch will not be observed either.
    for (let i = attempted; i < count; i++) notCreated();
    return { created, ok };
  }

  private async createPod(job: Job, base: PodTemplateSpec, index: number | undefined, delayed: ReadonlyMap<number, Pod>): Promise<boolean> {
    let template = base;
    let generateName: string | undefined;
    if (index !== undefined) {
      template = structuredClone(base);
      const meta = (template.metadata ??= {});
      meta.annotations = { ...meta.annotations, [COMPLETION_INDEX]: String(index) };
      meta.labels = { ...meta.labels, [COMPLETION_INDEX]: String(index) };
      template.spec.hostname = `${job.metadata.name ?? ''}-${index}`;
      generateName = podGenerateNameWithIndex(job.metadata.name ?? '', index);
      if (hasBackoffLimitPerIndex(job)) Object.assign(meta.annotations, indexFailureCountAnnotations(job, delayed.get(index)));
    }
    const pod = podFromTemplate(template, job);
    if (generateName) pod.metadata.generateName = generateName;
    const r = await this.client.create(PODS, pod);
    if (isStatus(r)) {
      // A namespace being torn down fails every create; upstream stays quiet about it.
      if (!r.details?.causes?.some((c) => c.reason === 'NamespaceTerminating')) await this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${r.message ?? ''}`);
      return false;
    }
    await this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.metadata.name ?? ''}`);
    return true;
  }

  /** deletePod is RealPodControl.DeletePod: a gone pod is an error the caller may ignore, and only other failures are reported. */
  private async deletePod(job: Job, pod: Pod): Promise<'deleted' | 'gone' | 'failed'> {
    const r = await this.client.delete(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (isStatus(r) && r.status === 'Failure') {
      if (r.code === 404) return 'gone';
      await this.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${r.message ?? ''}`);
      return 'failed';
    }
    await this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name ?? ''}`);
    return 'deleted';
  }

  /** deleteJobPods removes each pod's tracking finalizer, then deletes it; notDeleted is called for each deletion that will not be observed. */
  async deleteJobPods(job: Job, pods: readonly Pod[], notDeleted: () => void): Promise<DeleteResult> {
    const results = await Promise.all(pods.map(async (pod) => {
      const patch = removeTrackingFinalizerPatch(pod);
      if (patch) {
        const r = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, SMP);
        if (isStatus(r)) {
          notDeleted();
          return { deleted: r.code === 404, ready: false };
        }
      }
      const d = await this.deletePod(job, pod);
      if (d !== 'deleted') notDeleted();
      return { deleted: d !== 'failed', ready: isPodReady(pod) };
    }));
    return tally(results);
  }

  /** deleteActivePods deletes a finishing job's active pods, keeping their finalizers for the tracking to remove. */
  async deleteActivePods(job: Job, pods: readonly Pod[]): Promise<DeleteResult> {
    const results = await Promise.all(pods.map(async (pod) => ({ deleted: (await this.deletePod(job, pod)) !== 'failed', ready: isPodReady(pod) })));
    return tally(results);
  }

  /** removeTrackingFinalizers patches the finalizer out of pods; a gone pod counts as done, and notObserved gets the uid of each pod no update will come for. */
  async removeTrackingFinalizers(pods: readonly Pod[], notObserved: (uid: string) => void): Promise<{ removed: boolean[]; failed: boolean }> {
    let failed = false;
    const removed = await Promise.all(pods.map(async (pod) => {
      const patch = removeTrackingFinalizerPatch(pod);
      if (!patch) return false;
      const r = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, SMP);
      if (!isStatus(r)) return true;
      notObserved(pod.metadata.uid ?? '');
      if (r.code === 404) return true;
      failed = true;
      return false;
    }));
    return { removed, failed };
  }

  /** adopt makes job the pod's controller and adds the tracking finalizer: true when adopted, false when the pod is gone, undefined on failure. */
  async adopt(job: Job, pod: Pod): Promise<boolean | undefined> {
    const patch = { metadata: { ownerReferences: [ownerRef(job)], uid: pod.metadata.uid, finalizers: [JOB_TRACKING_FINALIZER] } };
    const r = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, SMP);
    if (!isStatus(r)) return true;
    return r.code === 404 ? false : undefined;
  }

  /** release drops job's owner reference and the tracking finalizer from a pod it no longer selects; false on failure. */
  async release(job: Job, pod: Pod): Promise<boolean> {
    const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: job.metadata.uid }], uid: pod.metadata.uid, '$deleteFromPrimitiveList/finalizers': [JOB_TRACKING_FINALIZER] } };
    const r = await this.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', patch, SMP);
    // A pod gone or now invalid is left alone.
    return !isStatus(r) || r.code === 404 || r.code === 422;
  }
}

function tally(results: readonly { deleted: boolean; ready: boolean }[]): DeleteResult {
  return {
    deleted: results.filter((r) => r.deleted).length,
    deletedReady: results.filter((r) => r.ready).length,
    ok: results.every((r) => r.deleted),
  };
}

/** addCompletionIndexEnv gives a container JOB_COMPLETION_INDEX from the pod's index label through the downward API. */
function addCompletionIndexEnv(c: Container): void {
  if (c.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) return;
  // The lab's Container type names only literal values; the kubelet resolves valueFrom all the same.
  const env: { name: string; value?: string; valueFrom?: { fieldRef: { fieldPath: string } } }[] = [...(c.env ?? [])];
  env.push({ name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } });
  c.env = env;
}

/** indexFailureCountAnnotations carries an index's failure counts over from the pod being replaced. */
function indexFailureCountAnnotations(job: Job, replaced: Pod | undefined): Record<string, string> {
  let failures = 0;
  let ignored = 0;
  if (replaced) {
    failures = annotationCount(replaced, INDEX_FAILURE_COUNT);
    ignored = annotationCount(replaced, INDEX_IGNORED_FAILURE_COUNT);
    if (matchPodFailurePolicy(job.spec?.podFailurePolicy, replaced).countFailed) failures++;
    else ignored++;
  }
  return { [INDEX_FAILURE_COUNT]: String(failures), ...(ignored > 0 ? { [INDEX_IGNORED_FAILURE_COUNT]: String(ignored) } : {}) };
}
