/**
 * conditions is apimachinery's metav1 ValidateConditions: the checks every
 * metav1.Condition list in a status gets (PodDisruptionBudget,
 * ValidatingAdmissionPolicy …).
 */
import { type FieldError, duplicate, invalidValue, notSupported, required } from '../fieldErrors';
import { str, tooLong } from './fields';
import { list, record } from './generic';
import { validateLabelName } from './labels';
import { regexError } from './names';
import type { MetaCondition } from './types/scheduling';

const CONDITION_STATUSES = ['False', 'True', 'Unknown'];
const REASON_FMT = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const reasonRe = new RegExp(`^${REASON_FMT}$`);
const REASON_MSG = "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
const MAX_REASON_LENGTH = 1024;
const MAX_MESSAGE_LENGTH = 32 * 1024;

/** validateCondition is ValidateCondition. */
function validateCondition(c: MetaCondition, path: string): FieldError[] {
  const errs = validateLabelName(str(c.type), `${path}.type`);
  if (!CONDITION_STATUSES.includes(str(c.status))) errs.push(notSupported(`${path}.status`, str(c.status), CONDITION_STATUSES));
  if (typeof c.observedGeneration === 'number' && c.observedGeneration < 0) errs.push(invalidValue(`${path}.observedGeneration`, c.observedGeneration, 'must be greater than or equal to zero'));
  if (!c.lastTransitionTime) errs.push(required(`${path}.lastTransitionTime`, 'must be set'));
  const reason = str(c.reason);
  if (reason === '') errs.push(required(`${path}.reason`, 'must be set'));
  else {
    if (!reasonRe.test(reason)) errs.push(invalidValue(`${path}.reason`, reason, regexError(REASON_MSG, REASON_FMT, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB')));
    if (reason.length > MAX_REASON_LENGTH) errs.push(tooLong(`${path}.reason`, MAX_REASON_LENGTH));
  }
  if (str(c.message).length > MAX_MESSAGE_LENGTH) errs.push(tooLong(`${path}.message`, MAX_MESSAGE_LENGTH));
  return errs;
}

/** validateConditions is ValidateConditions: each condition valid, each type once. */
export function validateConditions(conditions: MetaCondition[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(conditions).forEach((c, i) => {
    const condition: MetaCondition = record(c) ?? {};
    const type = str(condition.type);
    if (seen.has(type)) errs.push(duplicate(`${path}[${i}].type`, type));
    else seen.add(type);
    errs.push(...validateCondition(condition, `${path}[${i}]`));
  });
  return errs;
}
