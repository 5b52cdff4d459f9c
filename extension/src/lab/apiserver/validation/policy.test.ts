/**
 * Messages come from pkg/apis/policy/validation/validation.go
 * (ValidatePodDisruptionBudgetSpec, ValidatePodDisruptionBudgetStatusUpdate),
 * apps validation's int-or-percent checks and metav1 ValidateConditions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { validatePodDisruptionBudget, validatePodDisruptionBudgetStatusUpdate } from './policy';
import type { PodDisruptionBudget } from './types/scheduling';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const pdb = (spec: Record<string, unknown>, status?: Record<string, unknown>): PodDisruptionBudget => ({ metadata: { name: 'p' }, spec, ...(status ? { status } : {}) });

const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'accepts minAvailable as a percent', spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } }, want: [] },
  { name: 'minAvailable and maxUnavailable exclude each other', spec: { minAvailable: 1, maxUnavailable: 1 }, want: ['spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set'] },
  { name: 'rejects a negative count', spec: { maxUnavailable: -1 }, want: ['spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0'] },
  { name: 'rejects more than 100%', spec: { minAvailable: '150%' }, want: ['spec.minAvailable: Invalid value: "150%": must not be greater than 100%'] },
  { name: 'rejects an unknown eviction policy', spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' }, want: ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'] },
];

for (const c of cases) {
  test(`pdb: ${c.name}`, () => {
    assert.deepEqual(texts(validatePodDisruptionBudget(pdb(c.spec))), c.want);
  });
}

test('pdb status: counters non-negative and conditions well-formed', () => {
  const status = { disruptionsAllowed: -1, conditions: [{ type: 'DisruptionAllowed', status: 'Maybe', reason: 'bad reason', lastTransitionTime: '2026-01-01T00:00:00Z' }, { type: 'DisruptionAllowed', status: 'True' }] };
  assert.deepEqual(texts(validatePodDisruptionBudgetStatusUpdate(pdb({}, status))), [
    'status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
    "status.conditions[0].reason: Invalid value: \"bad reason\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
    'status.conditions[1].type: Duplicate value: "DisruptionAllowed"',
    'status.conditions[1].lastTransitionTime: Required value: must be set',
    'status.conditions[1].reason: Required value: must be set',
    'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
