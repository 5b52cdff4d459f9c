/** batch applies pkg/apis/batch/v1/defaults.go to Jobs and CronJobs, and the job strategy's generated selector. */
import type { PodSpec, PodTemplateSpec } from '../../api/types';
import { JOB_LABELS } from '../validation/batch';
import type { CronJob, CronJobSpec, Job, JobSpec } from '../validation/types/batch';
import { defaultPodTemplate } from './apps';
import { defaultPodSpec } from './core';
import { isStruct, struct } from './structs';

const MAX_INT32 = 2147483647;

/**
 * defaultJob is SetDefaults_Job: completions and parallelism 1 when both are unset,
 * backoffLimit 6 (MaxInt32 with a per-index limit), the template's labels on a job
 * that has none, NonIndexed, not suspended, the pod replacement policy and a
 * manual selector of false.
 */
export function defaultJob(job: Job): void {
  const spec = struct<JobSpec>(job, 'spec');
  if (!spec) return;
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
  const templateLabels = isStruct(spec.template) ? spec.template.metadata?.labels : undefined;
  if (isStruct(templateLabels) && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...templateLabels };
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed';
  spec.manualSelector ??= false;
  defaultPodFailurePolicy(spec);
  defaultPodTemplate(spec);
}

/** defaultPodFailurePolicy is SetDefaults_PodFailurePolicyOnPodConditionsPattern: status True. */
function defaultPodFailurePolicy(spec: JobSpec): void {
  const rules = isStruct(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules) ? spec.podFailurePolicy.rules : [];
  for (const rule of rules) {
    for (const pattern of isStruct(rule) && Array.isArray(rule.onPodConditions) ? rule.onPodConditions : []) {
      if (isStruct(pattern)) pattern.status ||= 'True';
    }
  }
}

/** defaultCronJob is SetDefaults_CronJob: Allow, not suspended, history 3 and 1; the job template's pods get pod defaults. */
export function defaultCronJob(cj: CronJob): void {
  const spec = struct<CronJobSpec>(cj, 'spec');
  if (!spec) return;
  spec.concurrencyPolicy ||= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = struct<JobSpec>(struct(spec, 'jobTemplate'), 'spec');
  if (!jobSpec) return;
  defaultPodFailurePolicy(jobSpec);
  const podSpec = struct<PodSpec>(struct<PodTemplateSpec>(jobSpec, 'template'), 'spec');
  if (podSpec) defaultPodSpec(podSpec);
}

/**
 * generateJobSelector is the job strategy's generateSelector, run on create unless
 * the selector is manual: the pods get job-name and controller-uid labels (legacy
 * and batch.kubernetes.io/ forms) and the job selects its own uid. Labels the
 * client already set are kept, so a conflict is left for validation to report.
 */
export function generateJobSelector(job: Job): void {
  const spec = job.spec;
  if (!isStruct(spec) || spec.manualSelector === true) return;
  const template = struct<PodTemplateSpec>(spec, 'template');
  const metadata = template && struct<NonNullable<PodTemplateSpec['metadata']>>(template, 'metadata');
  const labels = metadata && struct<Record<string, string>>(metadata, 'labels');
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (labels) {
    for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) labels[key] ??= name;
    for (const key of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid]) labels[key] ??= uid;
  }
  const matchLabels = struct<Record<string, string>>(struct(spec, 'selector'), 'matchLabels');
  if (matchLabels) matchLabels[JOB_LABELS.controllerUid] ??= uid;
}
