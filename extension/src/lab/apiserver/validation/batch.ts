/**
 * batch validates batch/v1 Jobs and CronJobs with the messages and field paths of
 * pkg/apis/batch/validation/validation.go, including the selector the job
 * strategy generates and the robfig/cron schedule errors.
 */
import type { PodTemplateSpec } from '../../api/types';
import { type FieldError, OMIT_VALUE, duplicate, invalidValue, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import { cronScheduleError } from './cronSchedule';
import { entries, isDomainPrefixedPath, isSet, labelSelectorMatches, list, record, semanticEqual, tooMany, validateImmutableField, validateNonnegativeField } from './generic';
import { isDNS1123Label } from './names';
import { isQualifiedName, validateLabelSelector } from './labels';
import type { CronJob, CronJobSpec, Job, JobSpec, PodFailurePolicyRule } from './types/batch';
import { validatePodTemplateSpec } from './core/podSpec';

/** The labels the job strategy puts on a job's pods and selects them by. */
export const JOB_LABELS = {
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
} as const;

const MAX_PARALLELISM_FOR_INDEXED_JOB = 100000;
const MAX_FAILED_INDEXES_FOR_INDEXED_JOB = 100000;
const COMPLETIONS_SOFT_LIMIT = 100000;
const PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS = 10000;
const MAX_MANAGED_BY_LENGTH = 63;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;

/** goList prints a sorted string set as Go's %q prints a []string. */
const goList = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const EXIT_CODE_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const POD_REPLACEMENT_POLICIES = ['Failed', 'TerminatingOrFailed'];

/** JobValidationOptions are the parts of batch validation's options the lab varies. */
export interface JobValidationOptions {
  /** requirePrefixedLabels: the generated batch.kubernetes.io/ labels must be present (always on create). */
  requirePrefixedLabels: boolean;
}

/** validateHasLabel is core/validation's ValidateHasLabel. */
function validateHasLabel(labels: Record<string, string> | undefined, path: string, key: string, expected: string): FieldError[] {
  const p = `${path}.labels[${key}]`;
  const actual = record(labels)?.[key];
  if (actual === undefined) return [required(p, `must be '${expected}'`)];
  return actual === expected ? [] : [invalidValue(p, labels, `must be '${expected}'`)];
}

/** validateGeneratedSelector checks the selector and labels the job strategy generated, unless the selector is manual. */
function validateGeneratedSelector(job: Job, opts: JobValidationOptions): FieldError[] {
  const spec = jobSpec(job);
  if (spec.manualSelector === true || !isSet(spec.selector)) return [];
  const errs: FieldError[] = [];
  const uid = str(job.metadata.uid);
  const name = str(job.metadata.name);
  if (uid === '') errs.push(required('metadata.uid'));
  const labels = spec.template?.metadata?.labels;
  const path = 'spec.template.metadata';
  errs.push(...validateHasLabel(labels, path, JOB_LABELS.legacyControllerUid, uid));
  errs.push(...validateHasLabel(labels, path, JOB_LABELS.legacyJobName, name));
  const expected: Record<string, string> = {};
  if (opts.requirePrefixedLabels) {
    errs.push(...validateHasLabel(labels, path, JOB_LABELS.controllerUid, uid));
    errs.push(...validateHasLabel(labels, path, JOB_LABELS.jobName, name));
    expected[JOB_LABELS.controllerUid] = uid;
    expected[JOB_LABELS.jobName] = name;
  }
  expected[JOB_LABELS.legacyControllerUid] = uid;
  expected[JOB_LABELS.legacyJobName] = name;
  if (validateLabelSelector(spec.selector, 'spec.selector').length === 0 && !labelSelectorMatches(spec.selector, expected)) {
    errs.push(invalidValue('spec.selector', spec.selector, '`selector` not auto-generated'));
  }
  return errs;
}

function jobSpec(job: Job): JobSpec {
  return record(job.spec) ? (job.spec as JobSpec) : {};
}

/** validateJob is ValidateJob without the object meta the handler checks. */
export function validateJob(job: Job, opts: JobValidationOptions = { requirePrefixedLabels: true }): FieldError[] {
  const spec = jobSpec(job);
  const errs = [...validateGeneratedSelector(job, opts), ...validateJobSpecWithSelector(spec, 'spec')];
  if (spec.completionMode === 'Indexed' && typeof spec.completions === 'number' && spec.completions > 0) {
    // Indexed pods are named <job>-<index>, so the longest one must still be a DNS label.
    const name = str(job.metadata.name);
    const hostname = `${name}-${spec.completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) errs.push(invalidValue('metadata.name', name, `will not able to create pod with invalid DNS label: ${hostname}`));
  }
  return errs;
}

/** validateJobSpecWithSelector is ValidateJobSpec: the spec, a required selector, and the selector matching the template. */
function validateJobSpecWithSelector(spec: JobSpec, path: string): FieldError[] {
  const errs = validateJobSpec(spec, path);
  if (!isSet(spec.selector)) errs.push(required(`${path}.selector`));
  else errs.push(...validateLabelSelector(spec.selector, `${path}.selector`));
  if (validateLabelSelector(spec.selector ?? undefined, `${path}.selector`).length === 0) {
    const labels = spec.template?.metadata?.labels ?? {};
    const selector = spec.selector ?? undefined;
    const empty = isSet(selector) && entries(selector.matchLabels).length + list(selector.matchExpressions).length === 0;
    if (!empty && !labelSelectorMatches(selector, labels)) errs.push(invalidValue(`${path}.template.metadata.labels`, labels, '`selector` does not match template `labels`'));
  }
  return errs;
}

/** validateJobSpec is the unexported validateJobSpec shared by Jobs and CronJob job templates. */
function validateJobSpec(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex', 'maxFailedIndexes'] as const) {
    errs.push(...validateNonnegativeField(spec[k], `${path}.${k}`));
  }
  if (isSet(spec.maxFailedIndexes) && !isSet(spec.backoffLimitPerIndex)) errs.push(required(`${path}.backoffLimitPerIndex`, 'when maxFailedIndexes is specified'));
  if (isSet(spec.managedBy)) {
    errs.push(...isDomainPrefixedPath(`${path}.managedBy`, String(spec.managedBy)));
    if (String(spec.managedBy).length > MAX_MANAGED_BY_LENGTH) errs.push({ type: 'FieldValueTooLong', field: `${path}.managedBy`, detail: `may not be longer than ${MAX_MANAGED_BY_LENGTH}` });
  }
  errs.push(...validateCompletionMode(spec, path));
  if (isSet(spec.podFailurePolicy)) errs.push(...validatePodFailurePolicy(spec, `${path}.podFailurePolicy`));
  if (isSet(spec.successPolicy)) {
    if ((spec.completionMode ?? 'NonIndexed') !== 'Indexed') errs.push(invalidValue(`${path}.successPolicy`, spec.successPolicy, 'requires indexed completion mode'));
    else errs.push(...validateSuccessPolicy(spec, `${path}.successPolicy`));
  }
  if (isSet(spec.podReplacementPolicy)) {
    const p = `${path}.podReplacementPolicy`;
    if (isSet(spec.podFailurePolicy)) {
      if (spec.podReplacementPolicy !== 'Failed') errs.push(notSupported(p, spec.podReplacementPolicy, ['Failed']));
    } else if (!POD_REPLACEMENT_POLICIES.includes(spec.podReplacementPolicy)) errs.push(notSupported(p, spec.podReplacementPolicy, POD_REPLACEMENT_POLICIES));
  }
  errs.push(...validatePodTemplateSpec(spec.template, `${path}.template`));
  const restart = str(record(spec.template?.spec)?.restartPolicy);
  const restartPath = `${path}.template.spec.restartPolicy`;
  if (restart === 'Always' || restart === '') errs.push(required(restartPath, 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.push(notSupported(restartPath, restart, ['OnFailure', 'Never']));
  else if (isSet(spec.podFailurePolicy) && restart !== 'Never') errs.push(invalidValue(restartPath, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function validateCompletionMode(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mode = spec.completionMode;
  if (isSet(mode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(notSupported(`${path}.completionMode`, mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      const { completions, parallelism, maxFailedIndexes, backoffLimitPerIndex } = spec;
      if (!isSet(completions)) errs.push(required(`${path}.completions`, 'when completion mode is Indexed'));
      if (isSet(parallelism) && parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB) {
        errs.push(invalidValue(`${path}.parallelism`, parallelism, `must be less than or equal to ${MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed`));
      }
      if (isSet(completions) && isSet(maxFailedIndexes) && maxFailedIndexes > completions) {
        errs.push(invalidValue(`${path}.maxFailedIndexes`, maxFailedIndexes, 'must be less than or equal to completions'));
      }
      if (isSet(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_FOR_INDEXED_JOB) {
        errs.push(invalidValue(`${path}.maxFailedIndexes`, maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_FOR_INDEXED_JOB}`));
      }
      if (isSet(completions) && completions > COMPLETIONS_SOFT_LIMIT && isSet(backoffLimitPerIndex)) {
        const why = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
        if (!isSet(maxFailedIndexes)) errs.push(required(`${path}.maxFailedIndexes`, `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`));
        if (isSet(parallelism) && parallelism > PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalidValue(`${path}.parallelism`, parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_FOR_HIGH_COMPLETIONS} ${why}`));
        }
        if (isSet(maxFailedIndexes) && maxFailedIndexes > MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS) {
          errs.push(invalidValue(`${path}.maxFailedIndexes`, maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_LIMIT_FOR_HIGH_COMPLETIONS} ${why}`));
        }
      }
    }
  }
  if (!isSet(mode) || mode === 'NonIndexed') {
    if (isSet(spec.backoffLimitPerIndex)) errs.push(invalidValue(`${path}.backoffLimitPerIndex`, spec.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (isSet(spec.maxFailedIndexes)) errs.push(invalidValue(`${path}.maxFailedIndexes`, spec.maxFailedIndexes, 'requires indexed completion mode'));
  }
  return errs;
}

function validatePodFailurePolicy(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = list(spec.podFailurePolicy?.rules);
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES) errs.push(tooMany(`${path}.rules`, rules.length, MAX_POD_FAILURE_POLICY_RULES));
  const containers = new Set<string>();
  for (const c of [...list(spec.template?.spec?.containers), ...list(spec.template?.spec?.initContainers)]) containers.add(c?.name);
  rules.forEach((rule, i) => errs.push(...validatePodFailurePolicyRule(spec, rule ?? {}, `${path}.rules[${i}]`, containers)));
  return errs;
}

function validatePodFailurePolicyRule(spec: JobSpec, rule: PodFailurePolicyRule, path: string, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const action = str(rule.action);
  if (action === '') errs.push(required(`${path}.action`, `valid values: ${goList(POD_FAILURE_ACTIONS)}`));
  else if (action === 'FailIndex') {
    if (!isSet(spec.backoffLimitPerIndex)) errs.push(invalidValue(`${path}.action`, action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!POD_FAILURE_ACTIONS.includes(action)) errs.push(notSupported(`${path}.action`, action, POD_FAILURE_ACTIONS));
  const onExitCodes = rule.onExitCodes;
  const onPodConditions = list(rule.onPodConditions);
  if (isSet(onExitCodes)) errs.push(...validateOnExitCodes(onExitCodes, `${path}.onExitCodes`, containers));
  if (onPodConditions.length > MAX_ON_POD_CONDITIONS) errs.push(tooMany(`${path}.onPodConditions`, onPodConditions.length, MAX_ON_POD_CONDITIONS));
  onPodConditions.forEach((pattern, j) => {
    const p = `${path}.onPodConditions[${j}]`;
    const type = str(pattern?.type);
    errs.push(...isQualifiedName(type).map((m) => invalidValue(`${p}.type`, type, m)));
    const status = str(pattern?.status);
    if (status === '') errs.push(required(`${p}.status`, `valid values: ${goList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) errs.push(notSupported(`${p}.status`, status, CONDITION_STATUSES));
  });
  if (isSet(onExitCodes) && onPodConditions.length > 0) errs.push(invalidValue(path, OMIT_VALUE, 'specifying both OnExitCodes and OnPodConditions is not supported'));
  if (!isSet(onExitCodes) && onPodConditions.length === 0) errs.push(invalidValue(path, OMIT_VALUE, 'specifying one of OnExitCodes and OnPodConditions is required'));
  return errs;
}

function validateOnExitCodes(req: NonNullable<PodFailurePolicyRule['onExitCodes']>, path: string, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const operator = str(req.operator);
  if (operator === '') errs.push(required(`${path}.operator`, `valid values: ${goList(EXIT_CODE_OPERATORS)}`));
  else if (!EXIT_CODE_OPERATORS.includes(operator)) errs.push(notSupported(`${path}.operator`, operator, EXIT_CODE_OPERATORS));
  if (isSet(req.containerName) && !containers.has(req.containerName)) {
    errs.push(invalidValue(`${path}.containerName`, req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const values = list(req.values);
  if (values.length === 0) errs.push(invalidValue(`${path}.values`, values, 'at least one value is required'));
  else if (values.length > MAX_ON_EXIT_CODES_VALUES) errs.push(tooMany(`${path}.values`, values.length, MAX_ON_EXIT_CODES_VALUES));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    const p = `${path}.values[${j}]`;
    if (operator === 'In' && v === 0) errs.push(invalidValue(p, v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(duplicate(p, v));
    else seen.add(v);
    if (j > 0 && values[j - 1] > v) ordered = false;
  });
  if (!ordered) errs.push(invalidValue(`${path}.values`, values, 'must be ordered'));
  return errs;
}

function validateSuccessPolicy(spec: JobSpec, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const rules = list(spec.successPolicy?.rules);
  if (rules.length === 0) errs.push(required(`${path}.rules`, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > MAX_SUCCESS_POLICY_RULES) errs.push(tooMany(`${path}.rules`, rules.length, MAX_SUCCESS_POLICY_RULES));
  rules.forEach((rule, i) => {
    const p = `${path}.rules[${i}]`;
    if (!isSet(rule?.succeededCount) && !isSet(rule?.succeededIndexes)) errs.push(required(p, 'at least one of succeededCount or succeededIndexes must be specified'));
    const count = rule?.succeededCount;
    if (isSet(count)) {
      errs.push(...validateNonnegativeField(count, `${p}.succeededCount`));
      const completions = spec.completions ?? 0;
      if (count > completions) errs.push(invalidValue(`${p}.succeededCount`, count, `must be less than or equal to ${completions} (the number of specified completions)`));
    }
  });
  return errs;
}

/** jobValidationOptionsForUpdate is validationOptionsForJob: the prefixed labels are required only if the old job had them. */
function jobValidationOptionsForUpdate(old: Job): JobValidationOptions {
  const labels = record(jobSpec(old).template?.metadata?.labels) ?? {};
  return { requirePrefixedLabels: JOB_LABELS.jobName in labels && JOB_LABELS.controllerUid in labels };
}

/** validateJobUpdate is the job strategy's ValidateUpdate: ValidateJob, then ValidateJobUpdate's immutability rules. */
export function validateJobUpdate(job: Job, old: Job): FieldError[] {
  const opts = jobValidationOptionsForUpdate(old);
  const spec = jobSpec(job);
  const oldSpec = jobSpec(old);
  const errs = [...validateJob(job, opts), ...validateJobSpecWithSelector(spec, 'spec')];
  errs.push(...validateCompletionsUpdate(spec, oldSpec));
  errs.push(...validateImmutableField(spec.selector, oldSpec.selector, 'spec.selector'));
  errs.push(...validateImmutableField(spec.template, mutableTemplateBase(spec.template, oldSpec, old), 'spec.template'));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) {
    errs.push(...validateImmutableField(spec[k], oldSpec[k], `spec.${k}`));
  }
  return errs;
}

/** validateCompletionsUpdate: completions are immutable, except scaled in tandem with parallelism on an Indexed job (ElasticIndexedJob). */
function validateCompletionsUpdate(spec: JobSpec, old: JobSpec): FieldError[] {
  if (spec.completionMode !== 'Indexed') return validateImmutableField(spec.completions, old.completions, 'spec.completions');
  if (semanticEqual(spec.completions, old.completions) || !isSet(spec.completions)) return [];
  return spec.completions !== spec.parallelism ? [invalidValue('spec.completions', spec.completions, 'can only be modified in tandem with spec.parallelism')] : [];
}

/**
 * mutableTemplateBase is the old template the new one must equal. A suspended job
 * that never started may change its scheduling directives (node affinity, node
 * selector, tolerations, scheduling gates) and template labels and annotations.
 */
function mutableTemplateBase(template: PodTemplateSpec | undefined, oldSpec: JobSpec, old: Job): unknown {
  const suspendedAndNotStarted = oldSpec.suspend === true && !isSet(old.status?.startTime);
  if (!suspendedAndNotStarted) return oldSpec.template;
  const base = structuredClone(oldSpec.template ?? ({} as PodTemplateSpec));
  base.spec ??= {} as PodTemplateSpec['spec'];
  const baseSpec = base.spec as Record<string, unknown>;
  const next = record(template?.spec) ?? {};
  const oldAffinity = record(baseSpec.affinity);
  const newAffinity = record(next.affinity);
  if (newAffinity) baseSpec.affinity = { ...oldAffinity, nodeAffinity: newAffinity.nodeAffinity };
  else if (oldAffinity) {
    const { nodeAffinity: _dropped, ...rest } = oldAffinity;
    baseSpec.affinity = Object.keys(rest).length ? rest : undefined;
  }
  baseSpec.nodeSelector = next.nodeSelector;
  baseSpec.tolerations = next.tolerations;
  baseSpec.schedulingGates = next.schedulingGates;
  base.metadata = { ...base.metadata, labels: template?.metadata?.labels, annotations: template?.metadata?.annotations };
  return base;
}

/** validateJobStatusUpdate checks the counters of a job's status (the transition rules of JobManagedBy are not modelled). */
export function validateJobStatusUpdate(job: Job): FieldError[] {
  const s = record(job.status) ?? {};
  const errs: FieldError[] = [];
  for (const k of ['active', 'succeeded', 'failed', 'ready', 'terminating']) errs.push(...validateNonnegativeField(s[k], `status.${k}`));
  const uncounted = record(s.uncountedTerminatedPods);
  if (uncounted) {
    const seen = new Set<string>();
    for (const kind of ['succeeded', 'failed']) {
      list(uncounted[kind] as string[] | undefined).forEach((uid, i) => {
        const p = `status.uncountedTerminatedPods.${kind}[${i}]`;
        if (uid === '') errs.push(invalidValue(p, uid, 'must not be empty'));
        else if (seen.has(uid)) errs.push(duplicate(p, uid));
        else seen.add(uid);
      });
    }
  }
  return errs;
}

/** validateCronJob is ValidateCronJobCreate without object meta: the spec, and a name short enough for the jobs it makes. */
export function validateCronJob(cj: CronJob, isTimeZone: (name: string) => boolean = isKnownTimeZone): FieldError[] {
  const errs = validateCronJobSpec(cronJobSpec(cj), undefined, isTimeZone);
  // The controller names jobs <cronjob>-<11-character timestamp>, and job names are DNS-1035 labels of at most 63.
  const name = str(cj.metadata.name);
  if (name.length > 63 - 11) errs.push(invalidValue('metadata.name', name, 'must be no more than 52 characters'));
  return errs;
}

/** validateCronJobUpdate is ValidateCronJobUpdate (names over 52 characters stay updatable). */
export function validateCronJobUpdate(cj: CronJob, old: CronJob, isTimeZone: (name: string) => boolean = isKnownTimeZone): FieldError[] {
  return validateCronJobSpec(cronJobSpec(cj), cronJobSpec(old), isTimeZone);
}

function cronJobSpec(cj: CronJob): CronJobSpec {
  return record(cj.spec) ? (cj.spec as CronJobSpec) : {};
}

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];

function validateCronJobSpec(spec: CronJobSpec, old: CronJobSpec | undefined, isTimeZone: (name: string) => boolean): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = typeof spec.schedule === 'string' ? spec.schedule : '';
  if (schedule === '') errs.push(required('spec.schedule'));
  else {
    const error = cronScheduleError(schedule, isTimeZone);
    if (error) errs.push(invalidValue('spec.schedule', schedule, error));
    const allowTZ = typeof old?.schedule === 'string' && old.schedule.includes('TZ');
    if (allowTZ && schedule.includes('TZ') && isSet(spec.timeZone)) {
      errs.push(invalidValue('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(invalidValue('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  errs.push(...validateNonnegativeField(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  if (!old || old.timeZone !== spec.timeZone) errs.push(...validateTimeZone(spec.timeZone, 'spec.timeZone', isTimeZone));
  const policy = str(spec.concurrencyPolicy);
  if (policy === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY_POLICIES));
  errs.push(...validateJobTemplateSpec(spec.jobTemplate, 'spec.jobTemplate'));
  errs.push(...validateNonnegativeField(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegativeField(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

/** validateJobTemplateSpec is ValidateJobTemplateSpec: the job spec, whose selector the controller generates. */
function validateJobTemplateSpec(template: CronJobSpec['jobTemplate'], path: string): FieldError[] {
  const spec: JobSpec = record(template?.spec) ? (template?.spec as JobSpec) : {};
  const errs = validateJobSpec(spec, `${path}.spec`);
  if (isSet(spec.selector)) errs.push(invalidValue(`${path}.spec.selector`, spec.selector, '`selector` will be auto-generated'));
  if (spec.manualSelector === true) errs.push(notSupported(`${path}.spec.manualSelector`, true, ['nil', 'false']));
  return errs;
}

const validTimeZoneCharacters = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone is validateTimeZone: an IANA name the API server's time.LoadLocation knows. */
function validateTimeZone(timeZone: string | null | undefined, path: string, isTimeZone: (name: string) => boolean): FieldError[] {
  if (!isSet(timeZone)) return [];
  const tz = String(timeZone);
  if (tz.length === 0) return [invalidValue(path, tz, 'timeZone must be nil or non-empty string')];
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !validTimeZoneCharacters.test(part)) return [invalidValue(path, tz, `unknown time zone ${tz}`)];
  }
  const errs: FieldError[] = [];
  if (tz.toLowerCase() === 'local') errs.push(invalidValue(path, tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isTimeZone(tz)) errs.push(invalidValue(path, tz, `unknown time zone ${tz}`));
  return errs;
}

/**
 * isKnownTimeZone asks the runtime's ICU time zone database, as Go's
 * time.LoadLocation asks tzdata. Go looks names up as file names, so case
 * matters: `america/new_york` is unknown there even though ICU would accept it.
 */
export function isKnownTimeZone(name: string): boolean {
  if (name === 'UTC' || name === 'Local') return true;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  return resolved.toLowerCase() !== name.toLowerCase() || resolved === name;
}

/** jobNameWarnings is the warning the job and cronjob strategies give for names that are not DNS labels. */
export function jobNameWarnings(name: string | undefined): string[] {
  const msgs = isDNS1123Label(str(name));
  return msgs.length ? [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`] : [];
}
