/** Messages come from pkg/apis/coordination/validation/validation.go (ValidateLeaseSpec, ValidateCoordinatedLeaseStrategy). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FieldError, fieldErrorText } from '../fieldErrors';
import { validateLease } from './coordination';

const texts = (errs: FieldError[]) => errs.map(fieldErrorText);

const cases: { name: string; spec: Record<string, unknown>; want: string[] }[] = [
  { name: 'accepts a node heartbeat lease', spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2026-01-01T00:00:00.000000Z' }, want: [] },
  { name: 'rejects a zero duration', spec: { leaseDurationSeconds: 0 }, want: ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0'] },
  { name: 'rejects negative transitions', spec: { leaseTransitions: -1 }, want: ['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0'] },
  // Upstream appends "strategy" to a path that already names it.
  { name: 'rejects an unknown built-in strategy', spec: { strategy: 'Newest' }, want: ['spec.strategy.strategy: Unsupported value: "Newest": supported values: "OldestEmulationVersion"'] },
  { name: 'a preferred holder needs a strategy', spec: { preferredHolder: 'a' }, want: ['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined'] },
];

for (const c of cases) {
  test(`lease: ${c.name}`, () => {
    assert.deepEqual(texts(validateLease({ metadata: { name: 'l' }, spec: c.spec })), c.want);
  });
}
