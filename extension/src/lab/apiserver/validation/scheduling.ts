/** scheduling validates PriorityClasses with the messages of pkg/apis/scheduling/validation/validation.go. */
import { type FieldError, forbidden, notSupported, required } from '../fieldErrors';
import { str } from './fields';
import { isSet, validateImmutableField } from './generic';
import type { PriorityClass } from './types/scheduling';

/** HIGHEST_USER_DEFINABLE_PRIORITY is scheduling.HighestUserDefinablePriority; above it only system classes live. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
/** SYSTEM_CRITICAL_PRIORITY is scheduling.SystemCriticalPriority. */
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
const SYSTEM_PREFIX = 'system-';

/** SYSTEM_PRIORITY_CLASSES are the classes the API server bootstraps, the only ones allowed the system- prefix. */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: SYSTEM_CRITICAL_PRIORITY + 1000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: SYSTEM_CRITICAL_PRIORITY, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/** knownSystemPriorityClassError is IsKnownSystemPriorityClass's error, or undefined for a bootstrapped class as bootstrapped. */
function knownSystemPriorityClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

/** validatePreemptionPolicy is core/validation's ValidatePreemptionPolicy. */
function validatePreemptionPolicy(policy: string, path: string): FieldError[] {
  if (policy === 'PreemptLowerPriority' || policy === 'Never') return [];
  return policy === '' ? [required(path)] : [notSupported(path, policy, ['PreemptLowerPriority', 'Never'])];
}

/** validatePriorityClass is ValidatePriorityClass without object meta. */
export function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(pc.metadata.name);
  const value = typeof pc.value === 'number' ? pc.value : 0;
  if (name.startsWith(SYSTEM_PREFIX)) {
    const err = knownSystemPriorityClassError(name, value, pc.globalDefault === true);
    if (err) errs.push(forbidden('metadata.name', `priority class names with '${SYSTEM_PREFIX}' prefix are reserved for system use only. error: ${err}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (isSet(pc.preemptionPolicy)) errs.push(...validatePreemptionPolicy(String(pc.preemptionPolicy), 'preemptionPolicy'));
  return errs;
}

/** validatePriorityClassUpdate is ValidatePriorityClassUpdate: value and preemptionPolicy are fixed once created. */
export function validatePriorityClassUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  if ((pc.value ?? 0) !== (old.value ?? 0)) errs.push(forbidden('value', 'may not be changed in an update.'));
  errs.push(...validateImmutableField(pc.preemptionPolicy, old.preemptionPolicy, 'preemptionPolicy'));
  return errs;
}
