import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import { COMPLETION_INDEX, completionIndex, duplicatedIndexPodsForRemoval, firstPendingIndexes, formatIntervals, hasIndex, matchSuccessPolicy, parseIntervals, podGenerateNameWithIndex, totalIndexes, withOrderedIndexes } from './jobIndexes';

test('completed indexes are written as compressed intervals, a pair as two numbers', () => {
  const cases: [number[], string][] = [[[], ''], [[0], '0'], [[0, 1], '0,1'], [[0, 1, 2], '0-2'], [[0, 1, 2, 5], '0-2,5'], [[1, 3, 4, 5, 7, 8], '1,3-5,7,8']];
  for (const [indexes, want] of cases) assert.equal(formatIntervals(withOrderedIndexes([], indexes)), want, JSON.stringify(indexes));
});

test('parsing intervals drops indexes past completions and corrupt parts, and joins touching intervals', () => {
  const cases: [string, number, string][] = [
    ['0-2,5', 10, '0-2,5'], ['0-2,3-4', 10, '0-4'], ['1,x,3', 10, '1,3'], ['0-20', 5, '0-4'], ['2,7,9', 8, '2,7'], ['', 3, ''],
  ];
  for (const [text, completions, want] of cases) assert.equal(formatIntervals(parseIntervals(text, completions)), want, text);
});

test('merging new indexes keeps order and counts each once', () => {
  const merged = withOrderedIndexes(parseIntervals('0-2,6', 10), [3, 3, 5, 8]);
  assert.equal(formatIntervals(merged), '0-3,5,6,8');
  assert.equal(totalIndexes(merged), 7);
  assert.deepEqual([0, 3, 4, 5, 7, 8, 9].map((ix) => hasIndex(merged, ix)), [true, true, false, true, false, true, false]);
});

test('the first pending indexes skip what is succeeded, active or failed', () => {
  assert.deepEqual(firstPendingIndexes(parseIntervals('0,2-3', 10), 3, 10), [1, 4, 5]);
  assert.deepEqual(firstPendingIndexes(parseIntervals('1-3', 5), 5, 5), [0, 4]);
  assert.deepEqual(firstPendingIndexes([], 0, 5), []);
});

const pod = (name: string, index?: string, created = '2026-01-01T00:00:00Z'): Pod => ({
  metadata: { name, creationTimestamp: created, ...(index === undefined ? {} : { annotations: { [COMPLETION_INDEX]: index } }) }, spec: { containers: [] },
});

test('a pod index is a non-negative integer annotation', () => {
  assert.deepEqual(['3', '-1', 'x', '07', undefined].map((v) => completionIndex(pod('p', v))), [3, -1, -1, 7, -1]);
});

test('duplicated, missing and out-of-range indexes are removed, keeping the last-ranked pod of an index', () => {
  const order = (a: Pod, b: Pod) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
  const pods = [pod('a0', '0', '2026-01-01T00:00:01Z'), pod('b0', '0', '2026-01-01T00:00:02Z'), pod('none'), pod('c1', '1'), pod('far', '9')];
  const { rm, left } = duplicatedIndexPodsForRemoval(pods, 3, order);
  assert.deepEqual(rm.map((p) => p.metadata.name).sort(), ['b0', 'far', 'none']);
  assert.deepEqual(left.map((p) => p.metadata.name), ['a0', 'c1']);
});

test('pod generate names carry the index and stay within the generated-name limit', () => {
  assert.equal(podGenerateNameWithIndex('pi', 3), 'pi-3-');
  const long = podGenerateNameWithIndex('x'.repeat(60), 12);
  assert.equal(long, `${'x'.repeat(54)}-12-`);
  assert.equal(long.length, 58);
});

test('a success policy matches on succeeded indexes or a count of them', () => {
  const job = (rules: { succeededIndexes?: string; succeededCount?: number }[]): Job => ({ metadata: {}, spec: { completions: 10, completionMode: 'Indexed', successPolicy: { rules } } });
  const succeeded = parseIntervals('0-2,5', 10);
  assert.equal(matchSuccessPolicy(job([{ succeededIndexes: '0-3' }, { succeededIndexes: '0-2' }]), succeeded), 'Matched rules at index 1');
  assert.equal(matchSuccessPolicy(job([{ succeededIndexes: '0-9', succeededCount: 4 }]), succeeded), 'Matched rules at index 0');
  assert.equal(matchSuccessPolicy(job([{ succeededCount: 5 }]), succeeded), undefined);
  assert.equal(matchSuccessPolicy(job([]), succeeded), undefined);
});
