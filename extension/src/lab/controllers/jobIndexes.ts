/**
 * jobIndexes holds what Indexed Jobs need, as upstream's indexed_job_utils.go:
 * the completion index of a pod, the compressed interval lists of
 * status.completedIndexes and status.failedIndexes ("0-2,5"), the first indexes
 * without a pod, and the duplicates to remove.
 */
import type { Pod } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';

/** COMPLETION_INDEX is the annotation and label carrying a pod's completion index. */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
/** INDEX_FAILURE_COUNT counts the failed pods of an index before this one (backoffLimitPerIndex). */
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
/** INDEX_IGNORED_FAILURE_COUNT counts the failures of an index an Ignore rule did not count. */
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';
/** COMPLETION_INDEX_ENV is the variable the pods of an Indexed Job read their index from. */
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** UNKNOWN_INDEX stands for a pod without a valid index. */
export const UNKNOWN_INDEX = -1;
/** MAX_GENERATED_NAME_LENGTH is names.MaxGeneratedNameLength: 63 less the 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;
const MAX_INT32 = 2147483647;

/** Interval is a closed range of indexes. */
export interface Interval {
  first: number;
  last: number;
}

/** isIndexedJob reports completionMode Indexed. */
export function isIndexedJob(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

/** hasBackoffLimitPerIndex reports a job that counts failures per index. */
export function hasBackoffLimitPerIndex(job: Job): boolean {
  return job.spec?.backoffLimitPerIndex != null;
}

/** completionIndex is getCompletionIndex: the annotation as a non-negative integer, else UNKNOWN_INDEX. */
export function completionIndex(pod: Pod): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return UNKNOWN_INDEX;
  const i = Number(v);
  return i < 0 || !Number.isSafeInteger(i) ? UNKNOWN_INDEX : i;
}

/** withOrderedIndexes merges indexes, given in increasing order, into intervals. */
export function withOrderedIndexes(intervals: readonly Interval[], indexes: readonly number[]): Interval[] {
  return mergeIntervals(intervals, indexes.map((i) => ({ first: i, last: i })));
}

/** mergeIntervals merges two ordered interval lists, joining touching intervals. */
export function mergeIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  const push = (iv: Interval): void => {
    const last = result[result.length - 1];
    if (!last || iv.first > last.last + 1) result.push({ ...iv });
    else if (last.last < iv.last) last.last = iv.last;
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) push(a[i].first < b[j].first ? a[i++] : b[j++]);
  while (i < a.length) push(a[i++]);
  while (j < b.length) push(b[j++]);
  return result;
}

/** totalIndexes counts the indexes in intervals. */
export function totalIndexes(intervals: readonly Interval[]): number {
  return intervals.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
}

/** formatIntervals writes the compressed form: "1,2" for two, "1-3" for more. */
export function formatIntervals(intervals: readonly Interval[]): string {
  return intervals.map(({ first, last }) => (last === first ? `${first}` : last === first + 1 ? `${first},${last}` : `${first}-${last}`)).join(',');
}

/** hasIndex reports whether ix lies in the intervals (binary search). */
export function hasIndex(intervals: readonly Interval[], ix: number): boolean {
  let lo = 0;
  let hi = intervals.length;
  while (hi > lo) {
    const mid = lo + ((hi - lo) >> 1);
    if (intervals[mid].last >= ix) hi = mid;
    else lo = mid + 1;
  }
  return hi < intervals.length && intervals[hi].first <= ix;
}

/** parseIntervals is parseIndexesFromString: corrupt parts are skipped, indexes at or past completions dropped. */
export function parseIntervals(text: string | null | undefined, completions: number): Interval[] {
  if (!text) return [];
  const result: Interval[] = [];
  for (const part of text.split(',')) {
    const limits = part.split('-');
    const first = atoi(limits[0]);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (limits.length > 1) {
      const l = atoi(limits[1]);
      if (l === undefined) continue;
      last = Math.min(l, completions - 1);
    }
    const prev = result[result.length - 1];
    if (prev && prev.last === first - 1) prev.last = last;
    else result.push({ first, last });
  }
  return result;
}

/** atoi is strconv.Atoi: a decimal integer with an optional sign, else undefined. */
function atoi(s: string | undefined): number | undefined {
  return s !== undefined && /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** indexesOf returns the set of valid indexes the pods carry. */
export function indexesOf(pods: readonly Pod[]): number[] {
  return [...new Set(pods.map(completionIndex).filter((ix) => ix !== UNKNOWN_INDEX))].sort((a, b) => a - b);
}

/**
 * firstPendingIndexes returns count indexes below completions covered by none of
 * the non-pending intervals (succeeded, active, failed and, when only failed pods
 * are replaced, terminating).
 */
export function firstPendingIndexes(nonPending: readonly Interval[], count: number, completions: number): number[] {
  const result: number[] = [];
  if (count === 0) return result;
  let candidate = 0;
  for (const iv of nonPending) {
    for (; candidate < completions && result.length < count && candidate < iv.first; candidate++) result.push(candidate);
    if (candidate < iv.last + 1) candidate = iv.last + 1;
  }
  for (; candidate < completions && result.length < count; candidate++) result.push(candidate);
  return result;
}

/**
 * duplicatedIndexPodsForRemoval is appendDuplicatedIndexPodsForRemoval: of the
 * active pods, those without an index or with one out of range go, and of pods
 * sharing an index all but the one ranked last by order go; the rest stay.
 */
export function duplicatedIndexPodsForRemoval(pods: readonly Pod[], completions: number, order: (a: Pod, b: Pod) => number): { rm: Pod[]; left: Pod[] } {
  const rm: Pod[] = [];
  const left: Pod[] = [];
  const byIndex = new Map<number, Pod[]>();
  for (const p of pods) {
    const ix = completionIndex(p);
    if (ix === UNKNOWN_INDEX || ix >= completions) rm.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
    const same = [...(byIndex.get(ix) ?? [])].sort(order);
    rm.push(...same.slice(0, -1));
    left.push(same[same.length - 1]);
  }
  return { rm, left };
}

/** podGenerateNameWithIndex is `<job>-<index>-`, the job name cut short to keep within the generated-name limit. */
export function podGenerateNameWithIndex(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/** annotationCount reads a failure-count annotation; missing, unparsable or out-of-range values count 0. */
export function annotationCount(pod: Pod, annotation: string): number {
  const v = atoi(pod.metadata.annotations?.[annotation]);
  return v === undefined || v < 0 || v > MAX_INT32 ? 0 : v;
}

/** absoluteFailureCount is an index's failures so far, counted or ignored. */
export function absoluteFailureCount(pod: Pod): number {
  return annotationCount(pod, INDEX_FAILURE_COUNT) + annotationCount(pod, INDEX_IGNORED_FAILURE_COUNT);
}

/**
 * matchSuccessPolicy returns the message of the first successPolicy rule the
 * succeeded indexes satisfy ("Matched rules at index 0"), else undefined.
 */
export function matchSuccessPolicy(job: Job, succeeded: readonly Interval[]): string | undefined {
  const rules = job.spec?.successPolicy?.rules ?? [];
  const completions = job.spec?.completions ?? 0;
  if (rules.length === 0 || succeeded.length === 0) return undefined;
  for (const [index, rule] of rules.entries()) {
    if (rule.succeededIndexes != null) {
      const required = parseIntervals(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (matchSucceededIndexesRule(required, succeeded, rule.succeededCount ?? undefined)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount != null && totalIndexes(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}

/** matchSucceededIndexesRule reports whether succeeded covers all of rule, or at least succeededCount of it. */
function matchSucceededIndexesRule(rule: readonly Interval[], succeeded: readonly Interval[], succeededCount: number | undefined): boolean {
  let contains = 0;
  let r = 0;
  let s = 0;
  while (r < rule.length && s < succeeded.length) {
    const overlap = Math.min(rule[r].last, succeeded[s].last) - Math.max(rule[r].first, succeeded[s].first) + 1;
    if (overlap > 0) contains += overlap;
    if (succeeded[s].last < rule[r].last) s++;
    else if (succeeded[s].last > rule[r].last) r++;
    else {
      s++;
      r++;
    }
  }
  return contains === totalIndexes(rule) || (succeededCount !== undefined && contains >= succeededCount);
}
