import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Pod } from '../../api/types';
import { pressureCondition, pressureEvents } from './pressureConditions';
import { type PodStats, evictionMessage, isCriticalPod, rankMemoryPressure } from './ranking';
import {
  type Observations, type Threshold, nodeConditionsLastObservedAt, nodeConditionsObservedSince, parseThresholds, thresholdsFirstObservedAt,
  thresholdsMet, thresholdsMetGracePeriod, thresholdsUpdatedStats,
} from './thresholds';

const Mi = 1024 * 1024;

function pod(name: string, opts: { request?: string; priority?: number; annotations?: Record<string, string>; containers?: string[] } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      ...(opts.priority !== undefined ? { priority: opts.priority } : {}),
      containers: (opts.containers ?? ['app']).map((c) => ({ name: c, image: 'nginx', ...(opts.request ? { resources: { requests: { memory: opts.request } } } : {}) })),
    },
  };
}

const HARD = parseThresholds({ 'memory.available': '100Mi' });
assert.ok(!('error' in HARD));
const observed = (available: number, time = 0): Observations => new Map([['memory.available', { availableBytes: available, capacityBytes: 8192 * Mi, time }]]);

test('parses --eviction-hard as upstream, copying memory.available to the allocatable signal', () => {
  assert.deepEqual(HARD.map((t) => [t.signal, t.value, t.gracePeriodMs]), [
    ['memory.available', { bytes: 100 * Mi, text: '100Mi' }, 0],
    ['allocatableMemory.available', { bytes: 100 * Mi, text: '100Mi' }, 0],
  ]);
  assert.deepEqual(parseThresholds({ 'memory.available': '5%' }, false), [{ signal: 'memory.available', value: { percentage: 0.05 }, gracePeriodMs: 0 }]);
  const reclaiming = parseThresholds({ 'memory.available': '100Mi' }, true, { 'memory.available': '0.5Gi' });
  assert.ok(!('error' in reclaiming));
  assert.deepEqual(reclaiming.map((t) => [t.signal, t.minReclaim]), [
    ['memory.available', { bytes: 512 * Mi, text: '512Mi' }],
    ['allocatableMemory.available', { bytes: 512 * Mi, text: '512Mi' }],
  ]);
  const cases: [Record<string, string>, string][] = [
    [{ 'memory.free': '1Gi' }, 'unsupported eviction signal memory.free'],
    [{ 'memory.available': '0' }, 'eviction threshold memory.available must be positive: 0'],
    [{ 'memory.available': '0%' }, 'eviction percentage threshold memory.available must be positive: 0%'],
    [{ 'memory.available': 'lots' }, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
  ];
  for (const [config, error] of cases) assert.deepEqual(parseThresholds(config), { error });
});

test('a threshold is met below its value; with min-reclaim it holds until value plus min-reclaim is available', () => {
  const [memory] = HARD;
  assert.deepEqual(thresholdsMet([memory], observed(99 * Mi), false), [memory]);
  assert.deepEqual(thresholdsMet([memory], observed(100 * Mi), false), []);
  const withReclaim: Threshold = { ...memory, minReclaim: { bytes: 50 * Mi, text: '50Mi' } };
  assert.deepEqual(thresholdsMet([withReclaim], observed(120 * Mi), true), [withReclaim]);
  assert.deepEqual(thresholdsMet([withReclaim], observed(150 * Mi), true), []);
  assert.deepEqual(thresholdsMet([memory], new Map(), false), [], 'no observation, not met');
  const percent: Threshold = { signal: 'memory.available', value: { percentage: 0.05 }, gracePeriodMs: 0 };
  assert.deepEqual(thresholdsMet([percent], observed(400 * Mi), false), [percent], '5% of 8Gi is 409.6Mi');
});

test('a soft threshold waits out its grace period; evictions need fresher stats than the last pass', () => {
  const soft: Threshold = { signal: 'memory.available', value: { bytes: 500 * Mi, text: '500Mi' }, gracePeriodMs: 90_000 };
  const first = thresholdsFirstObservedAt([soft], [], 1_000);
  assert.deepEqual(thresholdsMetGracePeriod(first, 60_000), []);
  const again = thresholdsFirstObservedAt([soft], first, 60_000);
  assert.equal(again[0].at, 1_000, 'the first time is kept');
  assert.deepEqual(thresholdsMetGracePeriod(again, 91_000), [soft]);
  assert.deepEqual(thresholdsUpdatedStats([soft], observed(1, 10_000), observed(1, 10_000)), []);
  assert.deepEqual(thresholdsUpdatedStats([soft], observed(1, 20_000), observed(1, 10_000)), [soft]);
});

test('a pressure condition holds until the transition period has passed since it was last observed', () => {
  const seen = nodeConditionsLastObservedAt(['MemoryPressure'], new Map(), 10_000);
  const later = nodeConditionsLastObservedAt([], seen, 200_000);
  assert.deepEqual(nodeConditionsObservedSince(later, 300_000, 200_000), ['MemoryPressure']);
  assert.deepEqual(nodeConditionsObservedSince(later, 300_000, 309_999), ['MemoryPressure']);
  assert.deepEqual(nodeConditionsObservedSince(later, 300_000, 310_000), []);
});

test('ranks pods over their requests first, then by priority, then by use above requests; a pod without stats leads', () => {
  const stats = new Map<string, PodStats>([
    ['uid-small-be', { workingSetBytes: 10 * Mi, containers: [] }],
    ['uid-big-be', { workingSetBytes: 300 * Mi, containers: [] }],
    ['uid-within', { workingSetBytes: 100 * Mi, containers: [] }],
    ['uid-over-high', { workingSetBytes: 900 * Mi, containers: [] }],
  ]);
  const ranked = rankMemoryPressure([
    pod('within', { request: '512Mi' }), pod('over-high', { request: '64Mi', priority: 1000 }), pod('small-be'), pod('big-be'), pod('never-ran'),
  ], (p) => stats.get(p.metadata.uid ?? ''));
  assert.deepEqual(ranked.map((p) => p.metadata.name), ['never-ran', 'big-be', 'small-be', 'over-high', 'within']);
});

test('the eviction message is upstream\'s: the resource, threshold and available, then each container over its request', () => {
  const observations = observed(51204 * 1024);
  const stats = (p: Pod): PodStats | undefined => (p.metadata.name === 'gone' ? undefined : {
    workingSetBytes: 264 * Mi,
    containers: [{ name: 'x', workingSetBytes: 200 * Mi }, { name: 'y', workingSetBytes: 64 * Mi }],
  });
  assert.equal(evictionMessage('memory', pod('web', { containers: ['x'] }), stats, HARD, observations),
    'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51204Ki. Container x was using 200Mi, request is 0, has larger consumption of memory. ');
  const requested: Pod = { ...pod('web'), spec: { containers: [{ name: 'x', image: 'nginx', resources: { requests: { memory: '0.5Gi' } } }, { name: 'y', image: 'nginx', resources: { requests: { memory: '32Mi' } } }] } };
  assert.equal(evictionMessage('memory', requested, stats, HARD, observations),
    'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51204Ki. Container y was using 64Mi, request is 32Mi, has larger consumption of memory. ');
  assert.equal(evictionMessage('memory', pod('gone'), stats, HARD, observations), 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51204Ki. ');
  // Quantities print canonically, as resource.Quantity's String does: 51200Ki is 50Mi.
  assert.match(evictionMessage('memory', pod('gone'), stats, HARD, observed(50 * Mi)), /available: 50Mi\. $/);
});

test('static, mirror and system-critical pods are critical; others are not', () => {
  const cases: [Pod, boolean][] = [
    [pod('plain'), false],
    [pod('static', { annotations: { 'kubernetes.io/config.source': 'file' } }), true],
    [pod('mirror', { annotations: { 'kubernetes.io/config.mirror': 'abc' } }), true],
    [pod('dns', { priority: 2_000_000_000 }), true],
    [pod('high', { priority: 1_000_000_000 }), false],
  ];
  for (const [p, critical] of cases) assert.equal(isCriticalPod(p), critical, p.metadata.name);
});

test('the MemoryPressure condition uses the kubelet\'s wording and its turn records a node event', () => {
  const on = pressureCondition('MemoryPressure', true, 't');
  assert.deepEqual([on.status, on.reason, on.message], ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available']);
  const off = pressureCondition('MemoryPressure', false, 't');
  assert.deepEqual([off.status, off.reason, off.message], ['False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available']);
  const ready: Condition = { type: 'Ready', status: 'True' };
  assert.deepEqual(pressureEvents([off, ready], [on, ready]), ['NodeHasInsufficientMemory']);
  assert.deepEqual(pressureEvents([on], [off]), ['NodeHasSufficientMemory']);
  assert.deepEqual(pressureEvents([on], [on]), []);
  assert.deepEqual(pressureEvents(undefined, [on]), []);
});
