/** policy validates PodDisruptionBudgets with the messages of pkg/apis/policy/validation/validation.go. */
import { type FieldError, invalidValue, notSupported } from '../fieldErrors';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './apps';
import { validateConditions } from './conditions';
import { isSet, record, validateNonnegativeField } from './generic';
import { validateLabelSelector } from './labels';
import type { PodDisruptionBudget } from './types/scheduling';

const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** validatePodDisruptionBudget is ValidatePodDisruptionBudgetSpec: minAvailable or maxUnavailable, each an int or a percent. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget): FieldError[] {
  const spec = record<NonNullable<PodDisruptionBudget['spec']>>(pdb.spec) ?? {};
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalidValue('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  for (const key of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[key];
    if (!isSet(v)) continue;
    errs.push(...validatePositiveIntOrPercent(v, `spec.${key}`), ...isNotMoreThan100Percent(v, `spec.${key}`));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !UNHEALTHY_POD_EVICTION_POLICIES.includes(policy)) {
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

/** validatePodDisruptionBudgetStatusUpdate is ValidatePodDisruptionBudgetStatusUpdate for policy/v1. */
export function validatePodDisruptionBudgetStatusUpdate(pdb: PodDisruptionBudget): FieldError[] {
  const s = record<NonNullable<PodDisruptionBudget['status']>>(pdb.status) ?? {};
  const errs = validateConditions(s.conditions, 'status.conditions');
  for (const k of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods'] as const) errs.push(...validateNonnegativeField(s[k], `status.${k}`));
  return errs;
}
