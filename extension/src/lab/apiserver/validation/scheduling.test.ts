/**
 * Messages come from pkg/apis/scheduling/validation/validation.go
 * (ValidatePriorityClass(Update)), pkg/apis/scheduling/v1/helpers.go
 * (IsKnownSystemPriorityClass) and core/validation's ValidatePreemptionPolicy.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultPriorityClass } from '../defaulting/scheduling';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { validatePriorityClass, validatePriorityClassUpdate } from './scheduling';
import type { PriorityClass } from './types/scheduling';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);
const pc = (name: string, fields: Partial<PriorityClass> = {}): PriorityClass => {
  const obj = { metadata: { name }, value: 1000, ...fields } as PriorityClass;
  defaultPriorityClass(obj);
  return obj;
};

const reserved = "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: ";

const cases: { name: string; obj: PriorityClass; want: string[] }[] = [
  { name: 'accepts a user class', obj: pc('high'), want: [] },
  { name: 'accepts the bootstrapped system-node-critical', obj: pc('system-node-critical', { value: 2000001000 }), want: [] },
  { name: 'caps user classes at one billion', obj: pc('huge', { value: 1000000001 }), want: ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000'] },
  { name: 'reserves the system- prefix', obj: pc('system-mine'), want: [`${reserved}system-mine is not a known system priority class`] },
  { name: 'fixes the value of system classes', obj: pc('system-cluster-critical', { value: 5 }), want: [`${reserved}value of system-cluster-critical PriorityClass must be 2000000000`] },
  { name: 'system classes are never the global default', obj: pc('system-cluster-critical', { value: 2000000000, globalDefault: true }), want: [`${reserved}globalDefault of system-cluster-critical PriorityClass must be false`] },
  { name: 'rejects an unknown preemption policy', obj: pc('p', { preemptionPolicy: 'Sometimes' }), want: ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"'] },
];

for (const c of cases) {
  test(`priorityclass: ${c.name}`, () => {
    assert.deepEqual(texts(validatePriorityClass(c.obj)), c.want);
  });
}

test('priorityclass defaults preemptionPolicy and freezes value and policy', () => {
  const old = pc('high');
  assert.equal(old.preemptionPolicy, 'PreemptLowerPriority');
  assert.deepEqual(texts(validatePriorityClassUpdate(pc('high', { value: 5, preemptionPolicy: 'Never' }), old)), [
    'value: Forbidden: may not be changed in an update.',
    'preemptionPolicy: Invalid value: "Never": field is immutable',
  ]);
  assert.deepEqual(texts(validatePriorityClassUpdate(pc('high', { description: 'now documented' }), old)), []);
});
