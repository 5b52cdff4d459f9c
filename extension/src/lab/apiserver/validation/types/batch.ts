/** batch types the batch/v1 Job and CronJob: only the fields validation and defaulting read. */
import type { Condition, KubeObject, LabelSelector, ObjectMeta, PodTemplateSpec } from '../../../api/types';

export interface PodFailurePolicyRule {
  action?: string;
  onExitCodes?: { containerName?: string | null; operator?: string; values?: number[] } | null;
  onPodConditions?: { type?: string; status?: string }[];
}

export interface JobSpec {
  parallelism?: number | null;
  completions?: number | null;
  activeDeadlineSeconds?: number | null;
  podFailurePolicy?: { rules?: PodFailurePolicyRule[] } | null;
  successPolicy?: { rules?: { succeededIndexes?: string | null; succeededCount?: number | null }[] } | null;
  backoffLimit?: number | null;
  backoffLimitPerIndex?: number | null;
  maxFailedIndexes?: number | null;
  selector?: LabelSelector | null;
  manualSelector?: boolean | null;
  template?: PodTemplateSpec;
  ttlSecondsAfterFinished?: number | null;
  completionMode?: string | null;
  suspend?: boolean | null;
  podReplacementPolicy?: string | null;
  managedBy?: string | null;
}

export interface JobStatus {
  conditions?: Condition[];
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  failed?: number;
  terminating?: number | null;
  ready?: number | null;
  completedIndexes?: string;
  failedIndexes?: string | null;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] } | null;
}

export interface Job extends KubeObject {
  spec?: JobSpec;
  status?: JobStatus;
}

export interface CronJobSpec {
  schedule?: string;
  timeZone?: string | null;
  startingDeadlineSeconds?: number | null;
  concurrencyPolicy?: string;
  suspend?: boolean | null;
  jobTemplate?: { metadata?: ObjectMeta; spec?: JobSpec };
  successfulJobsHistoryLimit?: number | null;
  failedJobsHistoryLimit?: number | null;
}

export interface CronJob extends KubeObject {
  spec?: CronJobSpec;
  status?: { active?: unknown[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}
