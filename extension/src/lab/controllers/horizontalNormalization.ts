/**
 * horizontalNormalization turns a metrics-proposed replica count into the one
 * the autoscaler writes, as horizontal.go's normalizeDesiredReplicas (no
 * behavior: a scale down waits for the highest recommendation of the last
 * 5 minutes, a scale up at most doubles, or goes to 4) and
 * normalizeDesiredReplicasWithBehaviors (each direction's stabilization window
 * and Pods/Percent policies over their periods, chosen by selectPolicy), then
 * clamps to minReplicas/maxReplicas. It says why, in the AbleToScale and
 * ScalingLimited conditions' reasons and messages. Pure over an
 * AutoscalerHistory the controller keeps per autoscaler.
 */
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from '../api/autoscaling';

/** DOWNSCALE_STABILIZATION_MS is --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILIZATION_MS = 5 * 60_000;
/** Without a behavior a scale up goes to at most max(2 × current, 4) (scaleUpLimitFactor, scaleUpLimitMinimum). */
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

/** AutoscalerHistory is what the controller remembers of one autoscaler: its recent recommendations and scale events. */
export interface AutoscalerHistory {
  recommendations: { recommendation: number; timestamp: number }[];
  scaleUpEvents: { replicaChange: number; timestamp: number }[];
  scaleDownEvents: { replicaChange: number; timestamp: number }[];
}

/** ConditionVerdict is a condition's status, reason and message. */
export interface ConditionVerdict {
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** Normalized is the count to write and what the AbleToScale and ScalingLimited conditions say of it. */
export interface Normalized {
  replicas: number;
  ableToScale: ConditionVerdict;
  scalingLimited: ConditionVerdict;
}

/** NormalizationArgs are the counts and bounds of one decision. */
export interface NormalizationArgs {
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  now: number;
}

/** newHistory is an autoscaler's history before its first sync. */
export function newHistory(): AutoscalerHistory {
  return { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
}

/** recordInitialRecommendation is recordInitialRecommendation: the current count is the first recommendation. */
export function recordInitialRecommendation(h: AutoscalerHistory, currentReplicas: number, now: number): void {
  if (h.recommendations.length === 0) h.recommendations.push({ recommendation: currentReplicas, timestamp: now });
}

const READY_FOR_NEW_SCALE: ConditionVerdict = { status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' };
const DOWN_STABILIZED = 'recent recommendations were higher than current one, applying the highest recent recommendation';
const UP_STABILIZED = 'recent recommendations were lower than current one, applying the lowest recent recommendation';
const WITHIN_RANGE = { reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
const SCALE_UP_LIMIT = { reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' };
const SCALE_DOWN_LIMIT = { reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' };
const TOO_MANY = { reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
const TOO_FEW = { reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };

/** normalizeDesiredReplicas is normalizeDesiredReplicas, for an autoscaler without a behavior. */
export function normalizeDesiredReplicas(h: AutoscalerHistory, a: NormalizationArgs, downscaleWindowMs = DOWNSCALE_STABILIZATION_MS): Normalized {
  // stabilizeRecommendation: the highest recommendation within the window; the oldest sample outside it makes room for this one.
  let stabilized = a.desiredReplicas;
  let oldIndex = -1;
  const cutoff = a.now - downscaleWindowMs;
  h.recommendations.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.recommendation > stabilized) stabilized = rec.recommendation;
  });
  record(h, oldIndex, a.desiredReplicas, a.now);
  const ableToScale = stabilized !== a.desiredReplicas ? { status: 'True' as const, reason: 'ScaleDownStabilized', message: DOWN_STABILIZED } : READY_FOR_NEW_SCALE;
  // convertDesiredReplicasWithRules
  const scaleUpLimit = Math.trunc(Math.max(SCALE_UP_LIMIT_FACTOR * a.currentReplicas, SCALE_UP_LIMIT_MINIMUM));
  const [maximum, overMax] = a.maxReplicas > scaleUpLimit ? [scaleUpLimit, SCALE_UP_LIMIT] : [a.maxReplicas, TOO_MANY];
  let replicas = stabilized;
  let why = WITHIN_RANGE;
  if (stabilized < a.minReplicas) [replicas, why] = [a.minReplicas, TOO_FEW];
  else if (stabilized > maximum) [replicas, why] = [maximum, overMax];
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...why } };
}

/**
 * normalizeDesiredReplicasWithBehaviors is normalizeDesiredReplicasWithBehaviors:
 * behavior is the defaulted one (both directions set); a scale down without a
 * window takes the controller's.
 */
export function normalizeDesiredReplicasWithBehaviors(h: AutoscalerHistory, behavior: HorizontalPodAutoscalerBehavior, a: NormalizationArgs, downscaleWindowMs = DOWNSCALE_STABILIZATION_MS): Normalized {
  const up = behavior.scaleUp ?? {};
  const down = behavior.scaleDown ?? {};
  const upWindow = (up.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindow = down.stabilizationWindowSeconds !== undefined ? down.stabilizationWindowSeconds * 1000 : downscaleWindowMs;
  // stabilizeRecommendationWithBehaviors: no higher than the lowest recent recommendation up, no lower than the highest down.
  let upRecommendation = a.desiredReplicas;
  let downRecommendation = a.desiredReplicas;
  const upCutoff = a.now - upWindow;
  const downCutoff = a.now - downWindow;
  let oldIndex = -1;
  h.recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (rec.timestamp > downCutoff) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  let stabilized = a.currentReplicas;
  if (stabilized < upRecommendation) stabilized = upRecommendation;
  if (stabilized > downRecommendation) stabilized = downRecommendation;
  record(h, oldIndex, a.desiredReplicas, a.now);
  let ableToScale = READY_FOR_NEW_SCALE;
  if (stabilized !== a.desiredReplicas) {
    ableToScale = a.desiredReplicas >= a.currentReplicas
      ? { status: 'True', reason: 'ScaleUpStabilized', message: UP_STABILIZED }
      : { status: 'True', reason: 'ScaleDownStabilized', message: DOWN_STABILIZED };
  }
  // convertDesiredReplicasWithBehaviorRate
  let replicas = stabilized;
  let why = WITHIN_RANGE;
  if (stabilized > a.currentReplicas) {
    const limit = Math.max(scaleUpLimit(a.currentReplicas, h, up, a.now), a.currentReplicas);
    const [maximum, overMax] = a.maxReplicas > limit ? [limit, SCALE_UP_LIMIT] : [a.maxReplicas, TOO_MANY];
    if (stabilized > maximum) [replicas, why] = [maximum, overMax];
  } else if (stabilized < a.currentReplicas) {
    const limit = Math.min(scaleDownLimit(a.currentReplicas, h, down, a.now), a.currentReplicas);
    const [minimum, underMin] = a.minReplicas < limit ? [limit, SCALE_DOWN_LIMIT] : [a.minReplicas, TOO_FEW];
    if (stabilized < minimum) [replicas, why] = [minimum, underMin];
  }
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', ...why } };
}

/** record puts this sync's unstabilized recommendation in place of an outdated one, or adds it. */
function record(h: AutoscalerHistory, oldIndex: number, recommendation: number, now: number): void {
  if (oldIndex >= 0) h.recommendations[oldIndex] = { recommendation, timestamp: now };
  else h.recommendations.push({ recommendation, timestamp: now });
}

/** changeInPeriod is getReplicasChangePerPeriod: the replicas added (or removed) by events within the last periodSeconds. */
function changeInPeriod(periodSeconds: number, events: AutoscalerHistory['scaleUpEvents'], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.timestamp > cutoff ? sum + e.replicaChange : sum), 0);
}

/** scaleUpLimit is calculateScaleUpLimitWithScalingRules: the most replicas the policies allow now. */
export function scaleUpLimit(current: number, h: AutoscalerHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? Infinity : -Infinity;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, h.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, h.scaleDownEvents, now);
    // Rounded up, so a small percentage still adds a pod.
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** scaleDownLimit is calculateScaleDownLimitWithBehaviors: the fewest replicas the policies allow now. */
export function scaleDownLimit(current: number, h: AutoscalerHistory, rules: HPAScalingRules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const pickMin = rules.selectPolicy === 'Min';
  let result = pickMin ? -Infinity : Infinity;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, h.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, h.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** storeScaleEvent is storeScaleEvent: with a behavior, remember a rescale for the policies' periods (the longest of its direction). */
export function storeScaleEvent(h: AutoscalerHistory, behavior: HorizontalPodAutoscalerBehavior | undefined, prev: number, next: number, now: number): void {
  if (!behavior) return;
  const upward = next > prev;
  const rules = (upward ? behavior.scaleUp : behavior.scaleDown) ?? {};
  const longest = Math.max(0, ...(rules.policies ?? []).map((p) => p.periodSeconds)) * 1000;
  const events = upward ? h.scaleUpEvents : h.scaleDownEvents;
  const kept = events.filter((e) => e.timestamp > now - longest);
  kept.push({ replicaChange: Math.abs(next - prev), timestamp: now });
  if (upward) h.scaleUpEvents = kept;
  else h.scaleDownEvents = kept;
}
