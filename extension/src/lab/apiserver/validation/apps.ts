/**
 * apps validates apps/v1 workloads with the messages and field paths of
 * pkg/apis/apps/validation/validation.go, plus the selector immutability that
 * pkg/registry/apps/*\/strategy.go adds on update.
 */
import type { Deployment, DeploymentStatus, LabelSelector, PodTemplateSpec, ReplicaSet, ReplicaSetStatus } from '../../api/types';
import { type FieldError, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import type { ControllerRevision, DaemonSet, IntOrString, StatefulSet } from './types/apps';
import { entries, isSet, isValidPercent, labelSelectorMatches, list, record, semanticEqual, validateImmutableField, validateNonnegativeField } from './generic';
import { validateLabelSelector, validateLabels } from './labels';
import { validateAnnotations } from './objectMeta';
import { validatePodTemplateSpec } from './core/podSpec';

/** percentValue is getPercentValue: the number of a valid "N%" string. */
function percentValue(v: IntOrString | undefined): number | undefined {
  return typeof v === 'string' && isValidPercent(v).length === 0 ? Number(v.slice(0, -1)) : undefined;
}

/** intOrPercentValue is getIntOrPercentValue: a percent's number, else IntValue() (a non-numeric string is 0). */
function intOrPercentValue(v: IntOrString | undefined): number {
  const pct = percentValue(v);
  if (pct !== undefined) return pct;
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^[+-]?\d+$/.test(v) ? Number(v) : 0;
}

/**
 * validatePositiveIntOrPercent is ValidatePositiveIntOrPercent. Its bad value is
 * the plain value (`"25%"`, `5`), as current upstream prints an IntOrString as
 * JSON; older releases printed the Go struct instead.
 */
export function validatePositiveIntOrPercent(v: IntOrString | undefined, path: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidValue(path, v, m));
  return validateNonnegativeField(v ?? 0, path);
}

/** isNotMoreThan100Percent is IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: IntOrString | undefined, path: string): FieldError[] {
  const pct = percentValue(v);
  return pct !== undefined && pct > 100 ? [invalidValue(path, v, 'must not be greater than 100%')] : [];
}

/** selectorIsEmpty tells a selector with neither matchLabels nor matchExpressions, which workloads refuse. */
function selectorIsEmpty(selector: LabelSelector): boolean {
  return entries(selector.matchLabels).length + list(selector.matchExpressions).length === 0;
}

/** selectorUsable reports whether metav1.LabelSelectorAsSelector would accept the selector. */
function selectorUsable(selector: LabelSelector | undefined, path: string): boolean {
  return validateLabelSelector(selector, path).length === 0;
}

/** validateWorkloadSelector is the `selector` block shared by Deployment, ReplicaSet and StatefulSet. */
function validateWorkloadSelector(selector: LabelSelector | undefined, kind: string, path: string): FieldError[] {
  if (!isSet(selector)) return [required(path)];
  const errs = validateLabelSelector(selector, path);
  if (selectorIsEmpty(selector)) errs.push(invalidValue(path, selector, `empty selector is invalid for ${kind}`));
  return errs;
}

/**
 * templateMismatch checks the template labels against `selector` as labels.Selector
 * does: a nil selector matches nothing, an empty one everything.
 */
function templateMismatch(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: string): FieldError[] {
  const labels = template?.metadata?.labels ?? {};
  if (isSet(selector) && selectorIsEmpty(selector)) return [];
  return labelSelectorMatches(isSet(selector) ? selector : undefined, labels) ? [] : [invalidValue(`${path}.metadata.labels`, labels, '`selector` does not match template `labels`')];
}

/** validatePodTemplateSpecForReplicaSet is ValidatePodTemplateSpecForReplicaSet (Deployments use it too). */
function validatePodTemplateSpecForReplicaSet(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, path: string): FieldError[] {
  // The template is a struct upstream, never nil: a missing one is validated as empty.
  const errs = templateMismatch(selector, template, path);
  errs.push(...validatePodTemplateSpec(template, path));
  errs.push(...alwaysRestart(template, path, 'ReplicaSet'));
  return errs;
}

/** alwaysRestart: controllers that keep pods running accept only restartPolicy Always and no activeDeadlineSeconds. */
function alwaysRestart(template: PodTemplateSpec | undefined, path: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const spec = record(template?.spec);
  const policy = str(spec?.restartPolicy);
  if (policy !== 'Always') errs.push(notSupported(`${path}.spec.restartPolicy`, policy, ['Always']));
  if (isSet(spec?.activeDeadlineSeconds)) errs.push(forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

function validateReplicaSetLikeSpec(spec: { replicas?: number; selector?: LabelSelector; template?: PodTemplateSpec }, kind: string): FieldError[] {
  const errs = validateNonnegativeField(spec.replicas, 'spec.replicas');
  errs.push(...validateWorkloadSelector(spec.selector, kind, 'spec.selector'));
  if (!selectorUsable(spec.selector, 'spec.selector')) errs.push(invalidValue('spec.selector', spec.selector, 'invalid label selector'));
  else errs.push(...validatePodTemplateSpecForReplicaSet(spec.selector, spec.template, 'spec.template'));
  return errs;
}

/** validateDeploymentStrategy is ValidateDeploymentStrategy. */
function validateDeploymentStrategy(strategy: Deployment['spec']['strategy'], path: string): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return isSet(s.rollingUpdate) ? [forbidden(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!isSet(ru)) return [required(`${path}.rollingUpdate`, 'this should be defaulted and never be nil')];
      const p = `${path}.rollingUpdate`;
      const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`), ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalidValue(`${p}.maxUnavailable`, ru.maxUnavailable ?? 0, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`));
      return errs;
    }
    default:
      return [notSupported(path, s, ['Recreate', 'RollingUpdate'])];
  }
}

/** validateDeployment is ValidateDeploymentSpec (metadata is checked by the handler). */
export function validateDeployment(d: Deployment): FieldError[] {
  const spec = record(d.spec) ? d.spec : ({} as Deployment['spec']);
  const errs = validateReplicaSetLikeSpec(spec, 'deployment');
  errs.push(...validateDeploymentStrategy(spec.strategy, 'spec.strategy'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (isSet(spec.progressDeadlineSeconds)) {
    errs.push(...validateNonnegativeField(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
      errs.push(invalidValue('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
    }
  }
  return errs;
}

/** validateDeploymentUpdate adds the apps/v1 selector immutability of the deployment strategy. */
export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [...validateDeployment(d), ...validateImmutableField(d.spec?.selector, old.spec?.selector, 'spec.selector')];
}

const REPLICAS_MSG = 'cannot be greater than status.replicas';

/** validateDeploymentStatusUpdate is ValidateDeploymentStatusUpdate. */
export function validateDeploymentStatusUpdate(d: Deployment, old: Deployment): FieldError[] {
  const s: DeploymentStatus = record(d.status) ?? {};
  const p = 'status';
  const errs = [
    ...validateNonnegativeField(s.observedGeneration, `${p}.observedGeneration`),
    ...validateNonnegativeField(s.replicas, `${p}.replicas`),
    ...validateNonnegativeField(s.updatedReplicas, `${p}.updatedReplicas`),
    ...validateNonnegativeField(s.readyReplicas, `${p}.readyReplicas`),
    ...validateNonnegativeField(s.availableReplicas, `${p}.availableReplicas`),
    ...validateNonnegativeField(s.unavailableReplicas, `${p}.unavailableReplicas`),
    ...validateNonnegativeField(s.collisionCount, `${p}.collisionCount`),
  ];
  const replicas = s.replicas ?? 0;
  if ((s.updatedReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.updatedReplicas`, s.updatedReplicas, REPLICAS_MSG));
  if ((s.readyReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.readyReplicas`, s.readyReplicas, REPLICAS_MSG));
  if ((s.availableReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.availableReplicas`, s.availableReplicas, REPLICAS_MSG));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(invalidValue(`${p}.availableReplicas`, s.availableReplicas, 'cannot be greater than readyReplicas'));
  errs.push(...collisionCountDecrement(s.collisionCount, old.status?.collisionCount));
  return errs;
}

/** collisionCountDecrement is the IsDecremented check every apps status update makes. */
function collisionCountDecrement(next: number | undefined, old: number | undefined): FieldError[] {
  if (!isSet(old)) return [];
  return !isSet(next) || next < old ? [invalidValue('status.collisionCount', next ?? 0, 'cannot be decremented')] : [];
}

/** validateReplicaSet is ValidateReplicaSetSpec (whose empty-selector message upstream says "deployment"). */
export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = record(rs.spec) ? rs.spec : ({} as ReplicaSet['spec']);
  const errs = validateNonnegativeField(spec.replicas, 'spec.replicas');
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateWorkloadSelector(spec.selector, 'deployment', 'spec.selector'));
  if (!selectorUsable(spec.selector, 'spec.selector')) errs.push(invalidValue('spec.selector', spec.selector, 'invalid label selector'));
  else errs.push(...validatePodTemplateSpecForReplicaSet(spec.selector, spec.template, 'spec.template'));
  return errs;
}

/** validateReplicaSetUpdate adds the apps/v1 selector immutability of the replicaset strategy. */
export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [...validateReplicaSet(rs), ...validateImmutableField(rs.spec?.selector, old.spec?.selector, 'spec.selector')];
}

/** validateReplicaSetStatusUpdate is ValidateReplicaSetStatusUpdate. */
export function validateReplicaSetStatusUpdate(rs: ReplicaSet): FieldError[] {
  const s: Partial<ReplicaSetStatus> = record(rs.status) ?? {};
  const p = 'status';
  const errs = [
    ...validateNonnegativeField(s.replicas, `${p}.replicas`),
    ...validateNonnegativeField(s.fullyLabeledReplicas, `${p}.fullyLabeledReplicas`),
    ...validateNonnegativeField(s.readyReplicas, `${p}.readyReplicas`),
    ...validateNonnegativeField(s.availableReplicas, `${p}.availableReplicas`),
    ...validateNonnegativeField(s.observedGeneration, `${p}.observedGeneration`),
  ];
  const replicas = s.replicas ?? 0;
  if ((s.fullyLabeledReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.fullyLabeledReplicas`, s.fullyLabeledReplicas, REPLICAS_MSG));
  if ((s.readyReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.readyReplicas`, s.readyReplicas, REPLICAS_MSG));
  if ((s.availableReplicas ?? 0) > replicas) errs.push(invalidValue(`${p}.availableReplicas`, s.availableReplicas, REPLICAS_MSG));
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(invalidValue(`${p}.availableReplicas`, s.availableReplicas, 'cannot be greater than readyReplicas'));
  return errs;
}

/** validateStatefulSet is ValidateStatefulSetSpec. Upstream does not validate the pod spec of a StatefulSet's template. */
export function validateStatefulSet(ss: StatefulSet): FieldError[] {
  const spec = record(ss.spec) ? (ss.spec as NonNullable<StatefulSet['spec']>) : {};
  const errs: FieldError[] = [];
  const policy = str(spec.podManagementPolicy);
  if (policy === '') errs.push(required('spec.podManagementPolicy'));
  else if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.push(invalidValue('spec.podManagementPolicy', policy, "must be 'OrderedReady' or 'Parallel'"));

  const strategy = spec.updateStrategy ?? {};
  const ru = strategy.rollingUpdate;
  switch (str(strategy.type)) {
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (isSet(ru)) errs.push(invalidValue('spec.updateStrategy.rollingUpdate', ru, "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isSet(ru)) errs.push(...validateRollingUpdateStatefulSet(ru, 'spec.updateStrategy.rollingUpdate'));
      break;
    default:
      errs.push(invalidValue('spec.updateStrategy', strategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }

  const retention = spec.persistentVolumeClaimRetentionPolicy;
  if (isSet(retention)) {
    for (const key of ['whenDeleted', 'whenScaled'] as const) {
      const v = str(retention[key]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, ['Retain', 'Delete']));
    }
  }
  errs.push(...validateNonnegativeField(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (isSet(spec.ordinals)) errs.push(...validateNonnegativeField(spec.ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateWorkloadSelector(spec.selector, 'statefulset', 'spec.selector'));
  if (!selectorUsable(spec.selector, 'spec.selector')) {
    errs.push(invalidValue('spec.selector', spec.selector, ''));
  } else {
    errs.push(...templateMismatch(spec.selector, spec.template, 'spec.template'));
    errs.push(...validateLabels(spec.template?.metadata?.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(spec.template?.metadata?.annotations, 'spec.template.annotations'));
  }
  errs.push(...alwaysRestart(spec.template, 'spec.template', 'StatefulSet'));
  return errs;
}

function validateRollingUpdateStatefulSet(ru: NonNullable<NonNullable<NonNullable<StatefulSet['spec']>['updateStrategy']>['rollingUpdate']>, path: string): FieldError[] {
  const errs = validateNonnegativeField(ru.partition, `${path}.partition`);
  if (isSet(ru.maxUnavailable)) {
    const p = `${path}.maxUnavailable`;
    errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p));
    if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalidValue(p, ru.maxUnavailable ?? 0, 'cannot be 0'));
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p));
  }
  return errs;
}

/** STATEFULSET_MUTABLE lists what ValidateStatefulSetUpdate lets an update change. */
const STATEFULSET_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;

/** validateStatefulSetUpdate is ValidateStatefulSetUpdate: the spec is valid and only the mutable fields changed. */
export function validateStatefulSetUpdate(ss: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = validateStatefulSet(ss);
  const strip = (spec: StatefulSet['spec']) => {
    const rest: Record<string, unknown> = { ...(record(spec) ?? {}) };
    for (const k of STATEFULSET_MUTABLE) delete rest[k];
    return rest;
  };
  if (!semanticEqual(strip(ss.spec), strip(old.spec))) {
    errs.push(forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
  }
  return errs;
}

/** validateStatefulSetStatusUpdate is ValidateStatefulSetStatusUpdate. */
export function validateStatefulSetStatusUpdate(ss: StatefulSet, old: StatefulSet): FieldError[] {
  const s = record(ss.status) ? (ss.status as NonNullable<StatefulSet['status']>) : {};
  const p = 'status';
  const errs = [
    ...validateNonnegativeField(s.replicas, `${p}.replicas`),
    ...validateNonnegativeField(s.readyReplicas, `${p}.readyReplicas`),
    ...validateNonnegativeField(s.currentReplicas, `${p}.currentReplicas`),
    ...validateNonnegativeField(s.updatedReplicas, `${p}.updatedReplicas`),
    ...validateNonnegativeField(s.availableReplicas, `${p}.availableReplicas`),
    ...validateNonnegativeField(s.observedGeneration, `${p}.observedGeneration`),
    ...validateNonnegativeField(s.collisionCount, `${p}.collisionCount`),
  ];
  const replicas = s.replicas ?? 0;
  for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'] as const) {
    if ((s[k] ?? 0) > replicas) errs.push(invalidValue(`${p}.${k}`, s[k], REPLICAS_MSG));
  }
  if ((s.availableReplicas ?? 0) > (s.readyReplicas ?? 0)) errs.push(invalidValue(`${p}.availableReplicas`, s.availableReplicas, 'cannot be greater than status.readyReplicas'));
  errs.push(...collisionCountDecrement(s.collisionCount, old.status?.collisionCount));
  return errs;
}

/** validateDaemonSet is ValidateDaemonSetSpec. A DaemonSet without a selector only fails the template match, as upstream. */
export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = record(ds.spec) ? (ds.spec as NonNullable<DaemonSet['spec']>) : {};
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  if (selectorUsable(spec.selector, 'spec.selector')) errs.push(...templateMismatch(spec.selector, spec.template, 'spec.template'));
  if (isSet(spec.selector) && selectorIsEmpty(spec.selector)) errs.push(invalidValue('spec.selector', spec.selector, 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(spec.template, 'spec.template'));
  errs.push(...alwaysRestart(spec.template, 'spec.template', 'DaemonSet'));
  errs.push(...validateNonnegativeField(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegativeField(spec.templateGeneration, 'spec.templateGeneration'));
  errs.push(...validateDaemonSetUpdateStrategy(spec.updateStrategy, 'spec.updateStrategy'));
  errs.push(...validateNonnegativeField(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

function validateDaemonSetUpdateStrategy(strategy: NonNullable<DaemonSet['spec']>['updateStrategy'], path: string): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!isSet(ru)) return [required(`${path}.rollingUpdate`)];
      const p = `${path}.rollingUpdate`;
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...validatePositiveIntOrPercent(ru.maxSurge, `${p}.maxSurge`),
        ...isNotMoreThan100Percent(ru.maxUnavailable, `${p}.maxUnavailable`),
        ...isNotMoreThan100Percent(ru.maxSurge, `${p}.maxSurge`),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalidValue(`${p}.maxSurge`, ru.maxSurge ?? 0, 'may not be set when maxUnavailable is non-zero'));
      if (!hasUnavailable && !hasSurge) errs.push(required(`${p}.maxUnavailable`, 'cannot be 0 when maxSurge is 0'));
      return errs;
    }
    default:
      return [notSupported(path, s, ['RollingUpdate', 'OnDelete'])];
  }
}

/** validateDaemonSetUpdate adds the selector immutability of the daemonset strategy. */
export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [...validateDaemonSet(ds), ...validateImmutableField(ds.spec?.selector, old.spec?.selector, 'spec.selector')];
}

/** validateDaemonSetStatusUpdate is ValidateDaemonSetStatusUpdate. */
export function validateDaemonSetStatusUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  const s = record(ds.status) ? (ds.status as NonNullable<DaemonSet['status']>) : {};
  const p = 'status';
  const errs: FieldError[] = [];
  for (const k of ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable', 'collisionCount'] as const) {
    errs.push(...validateNonnegativeField(s[k], `${p}.${k}`));
  }
  errs.push(...collisionCountDecrement(s.collisionCount, old.status?.collisionCount));
  return errs;
}

/** validateControllerRevision is ValidateControllerRevision. */
export function validateControllerRevision(cr: ControllerRevision): FieldError[] {
  const errs: FieldError[] = [];
  if (!isSet(cr.data)) errs.push(required('data', 'data is mandatory'));
  errs.push(...validateNonnegativeField(cr.revision, 'revision'));
  return errs;
}

/** validateControllerRevisionUpdate is ValidateControllerRevisionUpdate: data may not change. */
export function validateControllerRevisionUpdate(cr: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [...validateControllerRevision(cr), ...validateImmutableField(cr.data, old.data, 'data')];
}
