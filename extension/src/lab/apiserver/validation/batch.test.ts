/**
 * Messages and paths come from pkg/apis/batch/validation/validation.go
 * (ValidateJob, validateGeneratedSelector, validateJobSpec, ValidateJobSpecUpdate,
 * ValidateCronJobCreate, validateScheduleFormat, validateTimeZone,
 * ValidateJobTemplateSpec), core/validation's ValidateHasLabel, and the job
 * strategy (pkg/registry/batch/job/strategy.go) that generates the selector.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCronJob, defaultJob, generateJobSelector } from '../defaulting/batch';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { isKnownTimeZone, jobNameWarnings, validateCronJob, validateCronJobUpdate, validateJob, validateJobStatusUpdate, validateJobUpdate } from './batch';
import type { CronJob, Job } from './types/batch';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const UID = '1a2b3c';
const podTemplate = (restartPolicy = 'Never', labels?: Record<string, string>) => ({ metadata: labels ? { labels } : {}, spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] } });

/** createdJob runs what the API server runs on create: defaults, then the strategy's generated selector. */
function createdJob(spec: Record<string, unknown>, name = 'pi'): Job {
  const job = { metadata: { name, namespace: 'default', uid: UID }, spec } as Job;
  defaultJob(job);
  generateJobSelector(job);
  return job;
}

test('a job gets the generated selector, labels and defaults', () => {
  const job = createdJob({ template: podTemplate('Never', { app: 'pi' }) });
  assert.deepEqual(job.spec?.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } });
  assert.deepEqual(job.spec?.template?.metadata?.labels, { app: 'pi', 'job-name': 'pi', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': UID, 'batch.kubernetes.io/controller-uid': UID });
  assert.deepEqual(job.metadata.labels, { app: 'pi' }, 'job labels are the template labels from before the generated ones');
  const { completions, parallelism, backoffLimit, completionMode, suspend, manualSelector, podReplacementPolicy } = job.spec ?? {};
  assert.deepEqual({ completions, parallelism, backoffLimit, completionMode, suspend, manualSelector, podReplacementPolicy }, { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, manualSelector: false, podReplacementPolicy: 'TerminatingOrFailed' });
  assert.deepEqual(texts(validateJob(job)), []);
});

test('job defaults: parallelism alone leaves completions unset; a per-index limit makes backoffLimit MaxInt32', () => {
  const job = createdJob({ parallelism: 3, backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 4, template: podTemplate() });
  assert.equal(job.spec?.completions, 4);
  assert.equal(job.spec?.backoffLimit, 2147483647);
  const other = createdJob({ parallelism: 3, template: podTemplate() });
  assert.equal(other.spec?.completions, undefined);
});

const jobCases: { name: string; spec: Record<string, unknown>; jobName?: string; want: string[] }[] = [
  {
    name: 'requires restartPolicy OnFailure or Never (the pod default Always is refused)',
    spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    want: ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
  },
  {
    name: 'rejects negative counts',
    spec: { parallelism: -1, completions: -2, activeDeadlineSeconds: -3, backoffLimit: -4, ttlSecondsAfterFinished: -5, template: podTemplate() },
    want: [
      'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Invalid value: -2: must be greater than or equal to 0',
      'spec.activeDeadlineSeconds: Invalid value: -3: must be greater than or equal to 0',
      'spec.backoffLimit: Invalid value: -4: must be greater than or equal to 0',
      'spec.ttlSecondsAfterFinished: Invalid value: -5: must be greater than or equal to 0',
    ],
  },
  {
    name: 'rejects an unknown completion mode',
    spec: { completionMode: 'Sometimes', template: podTemplate() },
    want: ['spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed"'],
  },
  {
    name: 'an Indexed job needs completions; per-index limits need Indexed',
    spec: { completionMode: 'Indexed', parallelism: 2, template: podTemplate() },
    want: ['spec.completions: Required value: when completion mode is Indexed'],
  },
  {
    name: 'per-index fields require indexed completion mode',
    spec: { backoffLimitPerIndex: 1, maxFailedIndexes: 1, template: podTemplate() },
    want: ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode', 'spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode'],
  },
  {
    name: 'an Indexed job name must leave room for the index in a DNS label',
    jobName: 'a'.repeat(62),
    spec: { completionMode: 'Indexed', completions: 10, template: podTemplate() },
    want: [`metadata.name: Invalid value: "${'a'.repeat(62)}": will not able to create pod with invalid DNS label: ${'a'.repeat(62)}-9`],
  },
  {
    name: 'rejects a bad managedBy',
    spec: { managedBy: 'kueue', template: podTemplate() },
    want: ['spec.managedBy: Invalid value: "kueue": must be a domain-prefixed path (such as "acme.io/foo")'],
  },
  {
    name: 'checks pod failure policy rules',
    spec: {
      podFailurePolicy: { rules: [
        { action: 'Retry', onExitCodes: { operator: 'In', values: [0, 3, 3, 1] } },
        { action: 'FailJob', onExitCodes: { containerName: 'other', operator: 'Between', values: [1] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'Maybe' }] },
      ] },
      template: podTemplate(),
    },
    want: [
      'spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator',
      'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
      'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []interface {}{0, 3, 3, 1}: must be ordered',
      'spec.podFailurePolicy.rules[1].onExitCodes.operator: Unsupported value: "Between": supported values: "In", "NotIn"',
      'spec.podFailurePolicy.rules[1].onExitCodes.containerName: Invalid value: "other": must be one of the container or initContainer names in the pod template',
      'spec.podFailurePolicy.rules[2].onPodConditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    ],
  },
  {
    name: 'a pod failure policy rule names exit codes or pod conditions, not both and not neither',
    spec: { podFailurePolicy: { rules: [{ action: 'Ignore' }, { action: 'Ignore', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: podTemplate() },
    want: [
      'spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
      'spec.podFailurePolicy.rules[1]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported',
    ],
  },
  {
    name: 'a pod failure policy has at most 20 rules',
    spec: { podFailurePolicy: { rules: Array.from({ length: 21 }, () => ({ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [0] } })) }, template: podTemplate() },
    want: ['spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items'],
  },
  {
    name: 'a pod failure policy allows only restartPolicy Never and podReplacementPolicy Failed',
    spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, podReplacementPolicy: 'TerminatingOrFailed', template: podTemplate('OnFailure') },
    want: [
      'spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"',
      'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    ],
  },
  {
    name: 'a manual selector must match the template',
    spec: { manualSelector: true, selector: { matchLabels: { app: 'a' } }, template: podTemplate('Never', { app: 'b' }) },
    want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`'],
  },
  {
    name: 'a manual job without a selector needs one',
    spec: { manualSelector: true, template: podTemplate('Never', { app: 'b' }) },
    want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`'],
  },
];

for (const c of jobCases) {
  test(`job: ${c.name}`, () => {
    assert.deepEqual(texts(validateJob(createdJob(c.spec, c.jobName))), c.want);
  });
}

test('job: labels that conflict with the generated ones are reported', () => {
  const job = createdJob({ template: podTemplate('Never', { 'controller-uid': 'other' }) });
  const labels = 'map[string]string{"batch.kubernetes.io/controller-uid":"1a2b3c", "batch.kubernetes.io/job-name":"pi", "controller-uid":"other", "job-name":"pi"}';
  assert.deepEqual(texts(validateJob(job)), [
    `spec.template.metadata.labels[controller-uid]: Invalid value: ${labels}: must be '1a2b3c'`,
  ]);
});

test('job: a selector the strategy did not generate is refused', () => {
  const job = createdJob({ selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'x' } }, template: podTemplate() });
  assert.ok(texts(validateJob(job)).includes('spec.selector: Invalid value: {"matchLabels":{"batch.kubernetes.io/controller-uid":"x"}}: `selector` not auto-generated'));
});

test('job update: completions (NonIndexed), completionMode and a started template are immutable', () => {
  const old = createdJob({ template: podTemplate() });
  const next = structuredClone(old);
  next.spec!.completions = 3;
  next.spec!.completionMode = 'Indexed';
  next.spec!.template!.spec.restartPolicy = 'OnFailure';
  // Turning Indexed makes completions elastic, so they are checked against parallelism rather than frozen.
  assert.deepEqual(texts(validateJobUpdate(next, old)).map((t) => t.replace(/Invalid value: .*: /, 'Invalid value: …: ')), [
    'spec.completions: Invalid value: …: can only be modified in tandem with spec.parallelism',
    'spec.template: Invalid value: …: field is immutable',
    'spec.completionMode: Invalid value: …: field is immutable',
  ]);
  const nonIndexed = structuredClone(old);
  nonIndexed.spec!.completions = 3;
  assert.deepEqual(texts(validateJobUpdate(nonIndexed, old)), ['spec.completions: Invalid value: 3: field is immutable']);
});

test('job update: an Indexed job scales completions only in tandem with parallelism', () => {
  const old = createdJob({ completionMode: 'Indexed', completions: 2, parallelism: 2, template: podTemplate() });
  const next = structuredClone(old);
  next.spec!.completions = 4;
  assert.deepEqual(texts(validateJobUpdate(next, old)), ['spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism']);
  next.spec!.parallelism = 4;
  assert.deepEqual(texts(validateJobUpdate(next, old)), []);
});

test('job update: a suspended job that never started may change its node selector', () => {
  const old = createdJob({ suspend: true, template: podTemplate() });
  const next = structuredClone(old);
  (next.spec!.template!.spec as Record<string, unknown>).nodeSelector = { zone: 'a' };
  assert.deepEqual(texts(validateJobUpdate(next, old)), []);
  const started = { ...old, status: { startTime: '2026-01-01T00:00:00Z' } };
  assert.deepEqual(texts(validateJobUpdate(next, started)).map((t) => t.split(':')[0]), ['spec.template']);
});

test('job status: counters are non-negative and uncounted pods unique', () => {
  const job = createdJob({ template: podTemplate() });
  job.status = { active: -1, uncountedTerminatedPods: { succeeded: ['a', ''], failed: ['a'] } };
  assert.deepEqual(texts(validateJobStatusUpdate(job)), [
    'status.active: Invalid value: -1: must be greater than or equal to 0',
    'status.uncountedTerminatedPods.succeeded[1]: Invalid value: "": must not be empty',
    'status.uncountedTerminatedPods.failed[0]: Duplicate value: "a"',
  ]);
});

test('job warnings: a name that is not a DNS label', () => {
  assert.deepEqual(jobNameWarnings('my.job'), ["metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]"]);
  assert.deepEqual(jobNameWarnings('pi'), []);
});

function cronJob(spec: Record<string, unknown>, name = 'hello'): CronJob {
  const cj = { metadata: { name, namespace: 'default' }, spec } as CronJob;
  defaultCronJob(cj);
  return cj;
}
const jobTemplate = (restartPolicy = 'OnFailure') => ({ spec: { template: podTemplate(restartPolicy) } });

const cronCases: { name: string; spec: Record<string, unknown>; cronName?: string; want: string[] }[] = [
  { name: 'accepts a defaulted cronjob', spec: { schedule: '*/1 * * * *', jobTemplate: jobTemplate() }, want: [] },
  { name: 'requires a schedule', spec: { jobTemplate: jobTemplate() }, want: ['spec.schedule: Required value'] },
  { name: 'reports the cron parser error', spec: { schedule: '61 * * * *', jobTemplate: jobTemplate() }, want: ['spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'] },
  { name: 'refuses TZ in the schedule on create', spec: { schedule: 'TZ=UTC 0 * * * *', jobTemplate: jobTemplate() }, want: ['spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'] },
  { name: 'rejects an unknown time zone', spec: { schedule: '0 * * * *', timeZone: 'Mars/Olympus', jobTemplate: jobTemplate() }, want: ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'] },
  { name: 'rejects a time zone with a space', spec: { schedule: '0 * * * *', timeZone: 'America/New York', jobTemplate: jobTemplate() }, want: ['spec.timeZone: Invalid value: "America/New York": unknown time zone America/New York'] },
  { name: 'rejects Local', spec: { schedule: '0 * * * *', timeZone: 'Local', jobTemplate: jobTemplate() }, want: ['spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'] },
  { name: 'rejects an empty time zone', spec: { schedule: '0 * * * *', timeZone: '', jobTemplate: jobTemplate() }, want: ['spec.timeZone: Invalid value: "": timeZone must be nil or non-empty string'] },
  { name: 'rejects an unknown concurrency policy', spec: { schedule: '0 * * * *', concurrencyPolicy: 'Sometimes', jobTemplate: jobTemplate() }, want: ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'] },
  { name: 'the job template gets no job defaults, and Always is refused', spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } }, want: ['spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'] },
  {
    name: 'the job template may not carry a selector or a manual selector',
    spec: { schedule: '0 * * * *', jobTemplate: { spec: { selector: { matchLabels: { a: 'b' } }, manualSelector: true, template: podTemplate() } } },
    want: ['spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated', 'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"'],
  },
  { name: 'a name over 52 characters is refused', cronName: 'c'.repeat(53), spec: { schedule: '0 * * * *', jobTemplate: jobTemplate() }, want: [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`] },
];

for (const c of cronCases) {
  test(`cronjob: ${c.name}`, () => {
    assert.deepEqual(texts(validateCronJob(cronJob(c.spec, c.cronName))), c.want);
  });
}

test('cronjob defaults', () => {
  const cj = cronJob({ schedule: '0 * * * *', jobTemplate: jobTemplate() });
  const { concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit } = cj.spec ?? {};
  assert.deepEqual({ concurrencyPolicy, suspend, successfulJobsHistoryLimit, failedJobsHistoryLimit }, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
  assert.equal(cj.spec?.jobTemplate?.spec?.template?.spec.dnsPolicy, 'ClusterFirst', 'the job template pods get pod defaults');
  assert.equal(cj.spec?.jobTemplate?.spec?.parallelism, undefined, 'but the job template spec gets no job defaults');
});

test('cronjob update: a schedule that already used TZ may keep it, but not together with timeZone', () => {
  const old = cronJob({ schedule: 'TZ=UTC 0 * * * *', jobTemplate: jobTemplate() });
  assert.deepEqual(texts(validateCronJobUpdate(cronJob({ schedule: 'TZ=UTC 5 * * * *', jobTemplate: jobTemplate() }), old)), []);
  assert.deepEqual(texts(validateCronJobUpdate(cronJob({ schedule: 'TZ=UTC 5 * * * *', timeZone: 'UTC', jobTemplate: jobTemplate() }), old)), ['spec.schedule: Invalid value: "TZ=UTC 5 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule']);
  assert.deepEqual(texts(validateCronJobUpdate(cronJob({ schedule: '0 * * * *', jobTemplate: jobTemplate() }, 'c'.repeat(60)), cronJob({ schedule: '0 * * * *', jobTemplate: jobTemplate() }, 'c'.repeat(60)))), [], 'long names stay updatable');
});

test('time zones are looked up case-sensitively, as Go reads tzdata file names', () => {
  assert.equal(isKnownTimeZone('America/New_York'), true);
  assert.equal(isKnownTimeZone('Europe/Berlin'), true);
  assert.equal(isKnownTimeZone('america/new_york'), false);
  assert.equal(isKnownTimeZone('Mars/Olympus'), false);
});
