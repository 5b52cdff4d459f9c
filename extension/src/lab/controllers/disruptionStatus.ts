/**
 * disruptionStatus holds the disruption controller's arithmetic as pure
 * functions: the healthy pods a PodDisruptionBudget counts, the evictions it
 * still waits to see, the status it writes and the DisruptionAllowed condition
 * (pkg/controller/disruption and component-helpers' poddisruptionbudget).
 */
import { isPodReady } from '../api/pods';
import type { LabelSelector, Pod } from '../api/types';
import { timestamp } from '../api/meta';
import type { MetaCondition, PodDisruptionBudget } from '../apiserver/validation/types/scheduling';

/** DELETION_TIMEOUT_MS is DeletionTimeout: how long an eviction noted in disruptedPods may take to show as a deleting pod. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
/** STALE_POD_DISRUPTION_TIMEOUT_MS is stalePodDisruptionTimeout: how long a pod may keep a DisruptionTarget condition without being deleted. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;
/** The DisruptionAllowed condition and its reasons (policy/v1). */
export const DISRUPTION_ALLOWED = 'DisruptionAllowed';
export const SUFFICIENT_PODS = 'SufficientPods';
export const INSUFFICIENT_PODS = 'InsufficientPods';
export const SYNC_FAILED = 'SyncFailed';

export type PdbStatus = NonNullable<PodDisruptionBudget['status']>;

/**
 * scaledValue is intstr.GetScaledValueFromIntOrPercent rounding up, as the
 * controller calls it: a number as is, "N%" of total, anything else an error.
 */
export function scaledValue(v: number | string, total: number): number | { error: string } {
  if (typeof v === 'number') return v;
  if (!v.endsWith('%')) return { error: `invalid value for IntOrString: invalid type: string is not a percentage` };
  const digits = v.slice(0, -1);
  if (!/^[+-]?\d+$/.test(digits)) return { error: `invalid value for IntOrString: invalid value "${v}": strconv.Atoi: parsing "${digits}": invalid syntax` };
  return Math.ceil((Number(digits) * total) / 100);
}

/** timeOf reads a metav1.Time; a value that does not parse counts as the zero time. */
function timeOf(t: string): number {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? -62135596800000 : ms;
}

/**
 * buildDisruptedPodMap keeps the disruptedPods entries of pods that still
 * exist, are not yet being deleted and are within the deletion timeout; it
 * names the pods whose timeout ran out, and when the map must be looked at again.
 */
export function buildDisruptedPodMap(pods: readonly Pod[], pdb: PodDisruptionBudget, now: number): { disrupted: Record<string, string>; notDeleted: Pod[]; recheckAt?: number } {
  const previous = pdb.status?.disruptedPods;
  const disrupted: Record<string, string> = {};
  const notDeleted: Pod[] = [];
  let recheckAt: number | undefined;
  if (!previous) return { disrupted, notDeleted };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? '';
    if (!Object.hasOwn(previous, name)) continue;
    const expectedDeletion = timeOf(previous[name]) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) {
      notDeleted.push(pod);
    } else {
      if (recheckAt === undefined || expectedDeletion < recheckAt) recheckAt = expectedDeletion;
      disrupted[name] = previous[name];
    }
  }
  return { disrupted, notDeleted, ...(recheckAt !== undefined ? { recheckAt } : {}) };
}

/** countHealthyPods counts the ready pods neither being deleted nor waiting to be after an eviction. */
export function countHealthyPods(pods: readonly Pod[], disrupted: Record<string, string>, now: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const name = pod.metadata.name ?? '';
    if (Object.hasOwn(disrupted, name) && timeOf(disrupted[name]) + DELETION_TIMEOUT_MS > now) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/**
 * setStatusCondition is apimeta.SetStatusCondition: the condition of c's type
 * takes c's status, reason, message and observedGeneration; its
 * lastTransitionTime moves to now only when the status changes.
 */
export function setStatusCondition(conditions: readonly MetaCondition[] | undefined, c: Omit<MetaCondition, 'lastTransitionTime'>, now: number): MetaCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((x) => x.type === c.type);
  const generation = c.observedGeneration ? { observedGeneration: c.observedGeneration } : {};
  if (i < 0) return [...list, { type: c.type, status: c.status, ...generation, lastTransitionTime: timestamp(now), reason: c.reason, message: c.message ?? '' }];
  const old = list[i];
  const { observedGeneration: _old, ...rest } = old;
  list[i] = { ...rest, status: c.status, ...generation, lastTransitionTime: old.status === c.status ? old.lastTransitionTime : timestamp(now), reason: c.reason, message: c.message ?? '' };
  return list;
}

/** updateDisruptionAllowedCondition is pdbhelper.UpdateDisruptionAllowedCondition over a status about to be written. */
export function updateDisruptionAllowedCondition(status: PdbStatus, now: number): MetaCondition[] {
  const allowed = (status.disruptionsAllowed ?? 0) > 0;
  return setStatusCondition(status.conditions, {
    type: DISRUPTION_ALLOWED, status: allowed ? 'True' : 'False', reason: allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS, message: '', observedGeneration: status.observedGeneration,
  }, now);
}

/** conditionsAreUpToDate is pdbhelper.ConditionsAreUpToDate: the condition agrees with disruptionsAllowed for the current generation. */
export function conditionsAreUpToDate(pdb: PodDisruptionBudget): boolean {
  const cond = pdb.status?.conditions?.find((c) => c.type === DISRUPTION_ALLOWED);
  if (!cond) return false;
  if ((pdb.status?.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if ((pdb.status?.disruptionsAllowed ?? 0) > 0) return cond.status === 'True' && cond.reason === SUFFICIENT_PODS;
  return cond.status === 'False' && cond.reason === INSUFFICIENT_PODS;
}

/** sameTimes compares two disruptedPods maps as apiequality.Semantic does: nil and empty are equal. */
function sameTimes(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ak = Object.keys(a ?? {});
  return ak.length === Object.keys(b).length && ak.every((k) => Object.hasOwn(b, k) && timeOf((a as Record<string, string>)[k]) === timeOf(b[k]));
}

/**
 * nextStatus is updatePdbStatus: the status to write, or undefined when the
 * stored one already says all of it. No disruption is allowed while the budget
 * expects no pods, so a budget whose pods have just appeared starts safe.
 */
export function nextStatus(pdb: PodDisruptionBudget, counts: { currentHealthy: number; desiredHealthy: number; expectedPods: number }, disrupted: Record<string, string>, now: number): PdbStatus | undefined {
  const { currentHealthy, desiredHealthy, expectedPods } = counts;
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const s = pdb.status ?? {};
  const generation = pdb.metadata.generation ?? 0;
  if ((s.currentHealthy ?? 0) === currentHealthy && (s.desiredHealthy ?? 0) === desiredHealthy && (s.expectedPods ?? 0) === expectedPods
    && (s.disruptionsAllowed ?? 0) === disruptionsAllowed && sameTimes(s.disruptedPods, disrupted) && (s.observedGeneration ?? 0) === generation
    && conditionsAreUpToDate(pdb)) return undefined;
  const status: PdbStatus = {
    ...(generation ? { observedGeneration: generation } : {}),
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods,
    ...(s.conditions ? { conditions: s.conditions } : {}),
  };
  status.conditions = updateDisruptionAllowedCondition(status, now);
  return status;
}

/** failSafeStatus is failSafe's: no disruption allowed, and the DisruptionAllowed condition says why the sync failed. */
export function failSafeStatus(pdb: PodDisruptionBudget, message: string, now: number): PdbStatus {
  const s = pdb.status ?? {};
  return { ...s, disruptionsAllowed: 0, conditions: setStatusCondition(s.conditions, { type: DISRUPTION_ALLOWED, status: 'False', reason: SYNC_FAILED, message, observedGeneration: s.observedGeneration }, now) };
}

/**
 * labelSelectorString prints a selector as Go's %v prints a *metav1.LabelSelector
 * (its generated String method), for the UnmanagedPods event's message.
 */
export function labelSelectorString(s: LabelSelector | null | undefined): string {
  if (!s) return 'nil';
  const labels = Object.keys(s.matchLabels ?? {}).sort().map((k) => `${k}: ${(s.matchLabels as Record<string, string>)[k]},`).join('');
  const expressions = (s.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
