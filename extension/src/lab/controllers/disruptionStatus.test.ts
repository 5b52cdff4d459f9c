import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodDisruptionBudget } from '../apiserver/validation/types/scheduling';
import { failSafeStatus, labelSelectorString, nextStatus, scaledValue, setStatusCondition } from './disruptionStatus';

const T0 = Date.UTC(2026, 0, 1);

test('scaledValue takes a number as is and rounds a percentage up, refusing anything else as intstr does', () => {
  const cases: [number | string, number, number | { error: string }][] = [
    [2, 10, 2],
    ['50%', 3, 2],
    ['34%', 3, 2],
    ['0%', 5, 0],
    ['100%', 7, 7],
    ['50', 4, { error: 'invalid value for IntOrString: invalid type: string is not a percentage' }],
    ['x%', 4, { error: 'invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax' }],
  ];
  for (const [v, total, want] of cases) assert.deepEqual(scaledValue(v, total), want, `${String(v)} of ${total}`);
});

test('labelSelectorString prints a selector as Go prints a *metav1.LabelSelector', () => {
  assert.equal(labelSelectorString({ matchLabels: { tier: 'web', app: 'shop' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }, { key: 'gpu', operator: 'DoesNotExist' }] }),
    '&LabelSelector{MatchLabels:map[string]string{app: shop,tier: web,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[a b],},LabelSelectorRequirement{Key:gpu,Operator:DoesNotExist,Values:[],},},}');
  assert.equal(labelSelectorString({}), '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}');
});

test('setStatusCondition moves lastTransitionTime only when the status changes, and always takes reason, message and generation', () => {
  const first = setStatusCondition(undefined, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 1 }, T0);
  assert.deepEqual(first, [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'SufficientPods', message: '' }]);
  const same = setStatusCondition(first, { type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: 'x', observedGeneration: 2 }, T0 + 60_000);
  assert.deepEqual([same[0].lastTransitionTime, same[0].message, same[0].observedGeneration], ['2026-01-01T00:00:00Z', 'x', 2]);
  const flipped = setStatusCondition(same, { type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods', message: '' }, T0 + 60_000);
  assert.deepEqual(flipped, [{ type: 'DisruptionAllowed', status: 'False', lastTransitionTime: '2026-01-01T00:01:00Z', reason: 'InsufficientPods', message: '' }]);
});

test('nextStatus allows no disruption while no pods are expected, and writes nothing when the status already says it all', () => {
  const pdb: PodDisruptionBudget = { metadata: { name: 'b', namespace: 'default', generation: 1 }, spec: { minAvailable: 0 } };
  const none = nextStatus(pdb, { currentHealthy: 2, desiredHealthy: 0, expectedPods: 0 }, {}, T0);
  assert.equal(none?.disruptionsAllowed, 0);
  const two = nextStatus(pdb, { currentHealthy: 2, desiredHealthy: 0, expectedPods: 2 }, {}, T0);
  assert.deepEqual(two, {
    observedGeneration: 1, disruptionsAllowed: 2, currentHealthy: 2, desiredHealthy: 0, expectedPods: 2,
    conditions: [{ type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z', reason: 'SufficientPods', message: '' }],
  });
  assert.equal(nextStatus({ ...pdb, status: two }, { currentHealthy: 2, desiredHealthy: 0, expectedPods: 2 }, {}, T0 + 1000), undefined);
  // A new generation must be observed even when the numbers stand.
  assert.equal(nextStatus({ ...pdb, metadata: { ...pdb.metadata, generation: 2 }, status: two }, { currentHealthy: 2, desiredHealthy: 0, expectedPods: 2 }, {}, T0)?.observedGeneration, 2);
  const failed = failSafeStatus({ ...pdb, status: two }, 'boom', T0 + 5000);
  assert.deepEqual([failed.disruptionsAllowed, failed.currentHealthy, failed.conditions], [0, 2, [{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:05Z', reason: 'SyncFailed', message: 'boom' }]]);
});
