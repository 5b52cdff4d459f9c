/**
 * autoscaling validates autoscaling/v2 HorizontalPodAutoscalers with the messages
 * of pkg/apis/autoscaling/validation/validation.go (HPAScaleToZero off, as by default).
 */
import type { HorizontalPodAutoscaler } from '../../api/autoscaling';
import { type FieldError, GoText, forbidden, invalidValue, notSupported, required } from '../fieldErrors';
import { isSet, list, record, validateNonnegativeField } from './generic';
import { isDNS1123Label, isPathSegmentName } from './names';
import { parseQuantity } from './quantities';

/** MAX_PERIOD_SECONDS and MAX_STABILIZATION_WINDOW_SECONDS are upstream's bounds on behavior. */
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
/** SOURCE_FIELDS maps each metric source type to its field, in the order validation visits them. */
const SOURCE_FIELDS = ['object', 'external', 'pods', 'resource', 'containerResource'] as const;
const FIELD_OF: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

type Obj = Record<string, unknown>;

/** validateHorizontalPodAutoscaler is ValidateHorizontalPodAutoscaler's spec part (object meta is checked by the handler). */
export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  return validateSpec(record<Obj>(hpa.spec) ?? {}, 'spec', 1);
}

/** validateHorizontalPodAutoscalerUpdate is ValidateHorizontalPodAutoscalerUpdate: minReplicas may stay 0 if it was. */
export function validateHorizontalPodAutoscalerUpdate(hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler): FieldError[] {
  return validateSpec(record<Obj>(hpa.spec) ?? {}, 'spec', record<Obj>(old.spec)?.minReplicas === 0 ? 0 : 1);
}

/** validateHorizontalPodAutoscalerStatusUpdate is ValidateHorizontalPodAutoscalerStatusUpdate. */
export function validateHorizontalPodAutoscalerStatusUpdate(hpa: HorizontalPodAutoscaler): FieldError[] {
  const s = record<Obj>(hpa.status) ?? {};
  return [...validateNonnegativeField(s.currentReplicas ?? 0, 'status.currentReplicas'), ...validateNonnegativeField(s.desiredReplicas ?? 0, 'status.desiredReplicas')];
}

function validateSpec(spec: Obj, path: string, minReplicasLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : undefined;
  const max = typeof spec.maxReplicas === 'number' ? spec.maxReplicas : 0;
  if (min !== undefined && min < minReplicasLowerBound) errs.push(invalidValue(`${path}.minReplicas`, min, `must be greater than or equal to ${minReplicasLowerBound}`));
  if (max < 1) errs.push(invalidValue(`${path}.maxReplicas`, max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalidValue(`${path}.maxReplicas`, max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(record<Obj>(spec.scaleTargetRef) ?? {}, `${path}.scaleTargetRef`));
  const metrics = list(spec.metrics as Obj[] | undefined);
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(record<Obj>(m) ?? {}, `${path}.metrics[${i}]`)));
  if (min === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(forbidden(`${path}.metrics`, 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  const behavior = record<Obj>(spec.behavior);
  if (behavior) {
    for (const dir of ['scaleUp', 'scaleDown']) {
      const rules = record<Obj>(behavior[dir]);
      if (rules) errs.push(...validateScalingRules(rules, `${path}.behavior.${dir}`));
    }
  }
  return errs;
}

/** validateCrossVersionObjectReference is ValidateCrossVersionObjectReference: kind and name required, each a path segment. */
export function validateCrossVersionObjectReference(ref: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const v = typeof ref[key] === 'string' ? ref[key] : '';
    if (!v) errs.push(required(`${path}.${key}`, ''));
    else errs.push(...isPathSegmentName(v).map((m) => invalidValue(`${path}.${key}`, v, m)));
  }
  return errs;
}

function validateScalingRules(rules: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === 'number' && window < 0) errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, window, 'must be greater than or equal to zero'));
  if (typeof window === 'number' && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalidValue(`${path}.stabilizationWindowSeconds`, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(rules.selectPolicy) && !SELECT_POLICIES.includes(rules.selectPolicy as string)) errs.push(notSupported(`${path}.selectPolicy`, rules.selectPolicy, SELECT_POLICIES));
  const policies = list(rules.policies as Obj[] | undefined);
  if (policies.length === 0) errs.push(required(`${path}.policies`, 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const at = `${path}.policies[${i}]`;
    const policy = record<Obj>(p) ?? {};
    if (!POLICY_TYPES.includes(policy.type as string)) errs.push(notSupported(`${at}.type`, policy.type ?? '', POLICY_TYPES));
    const value = typeof policy.value === 'number' ? policy.value : 0;
    const period = typeof policy.periodSeconds === 'number' ? policy.periodSeconds : 0;
    if (value <= 0) errs.push(invalidValue(`${at}.value`, value, 'must be greater than zero'));
    if (period <= 0) errs.push(invalidValue(`${at}.periodSeconds`, period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(invalidValue(`${at}.periodSeconds`, period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

function validateMetricSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof spec.type === 'string' ? spec.type : '';
  if (!type) errs.push(required(`${path}.type`, 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  const present = SOURCE_FIELDS.filter((f) => isSet(spec[f]));
  const first = present[0];
  if (first) {
    const src = record<Obj>(spec[first]) ?? {};
    errs.push(...validateSource(first, src, `${path}.${first}`));
  }
  const expected = FIELD_OF[type];
  if (expected) {
    if (!isSet(spec[expected])) errs.push(required(`${path}.${expected}`, 'must populate information for the given metric source'));
  } else {
    errs.push(notSupported(`${path}.type`, type, METRIC_SOURCE_TYPES));
  }
  if (present.length !== 1) {
    for (const f of present.filter((f) => f !== expected).sort()) errs.push(forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateSource(kind: (typeof SOURCE_FIELDS)[number], src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const target = record<Obj>(src.target) ?? {};
  const tpath = `${path}.target`;
  switch (kind) {
    case 'object':
      errs.push(...validateCrossVersionObjectReference(record<Obj>(src.describedObject) ?? {}, `${path}.describedObject`));
      errs.push(...validateMetricIdentifier(record<Obj>(src.metric) ?? {}, `${path}.metric`), ...validateMetricTarget(target, tpath));
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(required(`${tpath}.averageValue`, 'must set either a target value or averageValue'));
      break;
    case 'external':
      errs.push(...validateMetricIdentifier(record<Obj>(src.metric) ?? {}, `${path}.metric`), ...validateMetricTarget(target, tpath));
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(required(`${tpath}.averageValue`, 'must set either a target value for metric or a per-pod target'));
      if (isSet(target.value) && isSet(target.averageValue)) errs.push(forbidden(`${tpath}.value`, 'may not set both a target value for metric and a per-pod target'));
      break;
    case 'pods':
      errs.push(...validateMetricIdentifier(record<Obj>(src.metric) ?? {}, `${path}.metric`), ...validateMetricTarget(target, tpath));
      if (!isSet(target.averageValue)) errs.push(required(`${tpath}.averageValue`, 'must specify a positive target averageValue'));
      break;
    case 'containerResource':
    case 'resource': {
      const name = typeof src.name === 'string' ? src.name : '';
      if (!name) errs.push(required(`${path}.name`, 'must specify a resource name'));
      if (kind === 'containerResource') {
        const container = typeof src.container === 'string' ? src.container : '';
        if (!container) errs.push(required(`${path}.container`, 'must specify a container'));
        else errs.push(...isDNS1123Label(container).map((m) => invalidValue(`${path}.container`, container, m)));
      }
      errs.push(...validateMetricTarget(target, tpath));
      if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) errs.push(required(`${tpath}.averageUtilization`, 'must set either a target raw value or a target utilization'));
      if (isSet(target.averageUtilization) && isSet(target.averageValue)) errs.push(forbidden(`${tpath}.averageValue`, 'may not set both a target raw value and a target utilization'));
      break;
    }
  }
  return errs;
}

function validateMetricTarget(mt: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = typeof mt.type === 'string' ? mt.type : '';
  if (!type) errs.push(required(`${path}.type`, 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(invalidValue(`${path}.type`, type, 'must be either Utilization, Value, or AverageValue'));
  for (const key of ['value', 'averageValue']) {
    if (!isSet(mt[key])) continue;
    const q = parseQuantity(mt[key] as string);
    if ('error' in q) continue;
    if (q.value <= 0n) errs.push(invalidValue(`${path}.${key}`, new GoText(String(mt[key])), 'must be positive'));
  }
  if (typeof mt.averageUtilization === 'number' && mt.averageUtilization < 1) errs.push(invalidValue(`${path}.averageUtilization`, mt.averageUtilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(id: Obj, path: string): FieldError[] {
  const name = typeof id.name === 'string' ? id.name : '';
  if (!name) return [required(`${path}.name`, 'must specify a metric name')];
  return isPathSegmentName(name).map((m) => invalidValue(`${path}.name`, name, m));
}
