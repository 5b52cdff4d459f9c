import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HorizontalPodAutoscalerBehavior } from '../api/autoscaling';
import { type AutoscalerHistory, newHistory, normalizeDesiredReplicas, normalizeDesiredReplicasWithBehaviors, scaleDownLimit, scaleUpLimit, storeScaleEvent } from './horizontalNormalization';

const T = Date.UTC(2026, 0, 1);
const DEFAULT_BEHAVIOR: HorizontalPodAutoscalerBehavior = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

function history(recs: [number, number][]): AutoscalerHistory {
  return { ...newHistory(), recommendations: recs.map(([recommendation, ago]) => ({ recommendation, timestamp: T - ago * 1000 })) };
}

test('without a behavior, a scale down takes the highest recommendation of the last 5 minutes', () => {
  const h = history([[10, 200], [7, 100], [12, 400]]);
  const got = normalizeDesiredReplicas(h, { currentReplicas: 10, desiredReplicas: 4, minReplicas: 1, maxReplicas: 20, now: T });
  assert.equal(got.replicas, 10);
  assert.deepEqual(got.ableToScale, { status: 'True', reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' });
  // The sample older than the window was replaced by this one.
  assert.deepEqual(h.recommendations.map((r) => r.recommendation), [10, 7, 4]);
});

const limits: { name: string; current: number; desired: number; min: number; max: number; want: number; limited: [string, string, string] }[] = [
  { name: 'a scale up at most doubles', current: 3, desired: 10, min: 1, max: 20, want: 6, limited: ['True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] },
  { name: 'a scale up from 1 may reach 4', current: 1, desired: 10, min: 1, max: 20, want: 4, limited: ['True', 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'] },
  { name: 'maxReplicas caps', current: 4, desired: 10, min: 1, max: 5, want: 5, limited: ['True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'] },
  { name: 'minReplicas floors', current: 4, desired: 1, min: 2, max: 5, want: 2, limited: ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'] },
  { name: 'within range', current: 4, desired: 5, min: 1, max: 10, want: 5, limited: ['False', 'DesiredWithinRange', 'the desired count is within the acceptable range'] },
];
for (const c of limits) {
  test(`without a behavior: ${c.name}`, () => {
    const got = normalizeDesiredReplicas(newHistory(), { currentReplicas: c.current, desiredReplicas: c.desired, minReplicas: c.min, maxReplicas: c.max, now: T });
    assert.equal(got.replicas, c.want);
    assert.deepEqual([got.scalingLimited.status, got.scalingLimited.reason, got.scalingLimited.message], c.limited);
  });
}

const behaviors: { name: string; behavior: HorizontalPodAutoscalerBehavior; recs: [number, number][]; up?: [number, number][]; down?: [number, number][]; current: number; desired: number; want: number; able: string; limited: string }[] = [
  { name: 'the default scale up adds the larger of 4 pods and 100 %', behavior: DEFAULT_BEHAVIOR, recs: [], current: 3, desired: 20, want: 7, able: 'ReadyForNewScale', limited: 'ScaleUpLimit' },
  { name: 'the default scale up doubles past 4 pods', behavior: DEFAULT_BEHAVIOR, recs: [], current: 10, desired: 50, want: 20, able: 'ReadyForNewScale', limited: 'ScaleUpLimit' },
  { name: 'scale ups within the period count against the policy', behavior: DEFAULT_BEHAVIOR, recs: [], up: [[4, 10]], current: 8, desired: 50, want: 8, able: 'ReadyForNewScale', limited: 'ScaleUpLimit' },
  { name: 'selectPolicy Min takes the smaller change', behavior: { ...DEFAULT_BEHAVIOR, scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, selectPolicy: 'Min' } }, recs: [], current: 10, desired: 50, want: 14, able: 'ReadyForNewScale', limited: 'ScaleUpLimit' },
  { name: 'selectPolicy Disabled does not scale up', behavior: { ...DEFAULT_BEHAVIOR, scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, selectPolicy: 'Disabled' } }, recs: [], current: 10, desired: 50, want: 10, able: 'ReadyForNewScale', limited: 'ScaleUpLimit' },
  { name: 'a scale down waits for the default 300 s window', behavior: DEFAULT_BEHAVIOR, recs: [[10, 290]], current: 10, desired: 2, want: 10, able: 'ScaleDownStabilized', limited: 'DesiredWithinRange' },
  { name: 'a scale down after the window goes through', behavior: DEFAULT_BEHAVIOR, recs: [[10, 310]], current: 10, desired: 2, want: 2, able: 'ReadyForNewScale', limited: 'DesiredWithinRange' },
  { name: 'a Pods policy limits a scale down', behavior: { ...DEFAULT_BEHAVIOR, scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } }, recs: [], down: [[1, 30]], current: 10, desired: 2, want: 9, able: 'ReadyForNewScale', limited: 'ScaleDownLimit' },
  { name: 'a scale-up window holds back a scale up', behavior: { ...DEFAULT_BEHAVIOR, scaleUp: { ...DEFAULT_BEHAVIOR.scaleUp, stabilizationWindowSeconds: 60 } }, recs: [[5, 30]], current: 4, desired: 8, want: 5, able: 'ScaleUpStabilized', limited: 'DesiredWithinRange' },
];
for (const c of behaviors) {
  test(`with a behavior: ${c.name}`, () => {
    const h = history(c.recs);
    h.scaleUpEvents = (c.up ?? []).map(([replicaChange, ago]) => ({ replicaChange, timestamp: T - ago * 1000 }));
    h.scaleDownEvents = (c.down ?? []).map(([replicaChange, ago]) => ({ replicaChange, timestamp: T - ago * 1000 }));
    const got = normalizeDesiredReplicasWithBehaviors(h, c.behavior, { currentReplicas: c.current, desiredReplicas: c.desired, minReplicas: 1, maxReplicas: 100, now: T });
    assert.deepEqual([got.replicas, got.ableToScale.reason, got.scalingLimited.reason], [c.want, c.able, c.limited]);
  });
}

test('scale limits read the replicas at the start of each policy period', () => {
  const h = newHistory();
  storeScaleEvent(h, DEFAULT_BEHAVIOR, 4, 8, T - 10_000);
  storeScaleEvent(h, DEFAULT_BEHAVIOR, 8, 10, T - 20_000);
  // Only the scale up 10 s ago is within the 15 s period: the period began at 6, so Pods allows 10 and Percent 12.
  assert.equal(scaleUpLimit(10, h, DEFAULT_BEHAVIOR.scaleUp ?? {}, T), 12);
  assert.equal(scaleDownLimit(10, h, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }] }, T), 3);
  storeScaleEvent(h, undefined, 10, 12, T);
  assert.equal(h.scaleUpEvents.length, 2);
});
