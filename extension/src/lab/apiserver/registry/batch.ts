/** batch is the `batch/v1` group: jobs and cronjobs, each with status, as pkg/registry/batch/* serves them. */
import { defaultCronJob, defaultJob, generateJobSelector } from '../defaulting/batch';
import { type ResourceType, def } from '../resources';
import { type Strategy, keepSpec } from '../strategy';
import { jobNameWarnings, validateCronJob, validateCronJobUpdate, validateJob, validateJobStatusUpdate, validateJobUpdate } from '../validation/batch';
import { subdomainName } from '../validation/objectMeta';
import type { CronJob, Job } from '../validation/types/batch';

const jobStrategy: Strategy<Job> = {
  // Jobs and ReplicationControllers share their name validation (a DNS subdomain).
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultJob,
  prepareForCreate(job) {
    generateJobSelector(job);
    job.status = {};
  },
  prepareForUpdate(job, old) {
    job.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: (job) => validateJob(job),
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
  warningsOnCreate: (job) => jobNameWarnings(job.metadata.name),
  fieldLabels: ['status.successful'],
};

const cronJobStrategy: Strategy<CronJob> = {
  nameValidator: subdomainName,
  generation: true,
  statusSubresource: true,
  defaults: defaultCronJob,
  prepareForCreate(cj) {
    cj.status = {};
  },
  prepareForUpdate(cj, old) {
    cj.status = old.status;
  },
  prepareForStatusUpdate: keepSpec,
  validate: (cj) => validateCronJob(cj),
  validateUpdate: (cj, old) => validateCronJobUpdate(cj, old),
  // The cronjob status strategy validates nothing beyond object meta.
  validateStatusUpdate: () => [],
  warningsOnCreate: (cj) => jobNameWarnings(cj.metadata.name),
};

export const batchResources: readonly ResourceType[] = [
  def({ group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', singularName: 'job', namespaced: true, categories: ['all'], subresources: ['status'], strategy: jobStrategy }),
  def({ group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', singularName: 'cronjob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'], strategy: cronJobStrategy }),
];
