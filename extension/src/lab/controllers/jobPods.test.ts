import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { activePodsOrder, finishedTime, nextBackoffRecord, remainingBackoff } from './jobPods';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('.000Z', 'Z');

test('the pod failure back-off is 10 s doubling per failure, capped at 10 minutes, less the time since the last failure', () => {
  const cases: [number, number, number][] = [[0, 0, 0], [1, 0, 10_000], [1, 4, 6000], [2, 0, 20_000], [3, 5, 35_000], [3, 50, 0], [7, 0, 600_000], [20, 0, 600_000]];
  for (const [failures, elapsedS, want] of cases) assert.equal(remainingBackoff(T0 + elapsedS * 1000, failures, T0), want, `${failures} failures, ${elapsedS} s`);
});

const finished = (name: string, phase: 'Succeeded' | 'Failed', s: number): Pod => ({
  metadata: { name }, spec: { containers: [] },
  status: { phase, containerStatuses: [{ name: 'c', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: at(s) } }, lastState: {} }] },
});

test('the back-off record counts failures since the last success', () => {
  assert.deepEqual(nextBackoffRecord(undefined, [], [finished('a', 'Failed', 3), finished('b', 'Failed', 1)]), { failuresAfterLastSuccess: 2, lastFailureTime: T0 + 3000 });
  assert.deepEqual(nextBackoffRecord({ failuresAfterLastSuccess: 2, lastFailureTime: T0 }, [finished('s', 'Succeeded', 5)], [finished('x', 'Failed', 4), finished('y', 'Failed', 7)]), { failuresAfterLastSuccess: 1, lastFailureTime: T0 + 7000 });
  assert.deepEqual(nextBackoffRecord({ failuresAfterLastSuccess: 2, lastFailureTime: T0 }, [finished('s', 'Succeeded', 5)], []), { failuresAfterLastSuccess: 0 });
  assert.deepEqual(nextBackoffRecord({ failuresAfterLastSuccess: 2, lastFailureTime: T0 }, [], []), { failuresAfterLastSuccess: 2, lastFailureTime: T0 });
});

test('a pod finishes when its last container does, else when Ready turned False, else at deletion less grace', () => {
  assert.equal(finishedTime(finished('a', 'Failed', 9)), T0 + 9000);
  const notReady: Pod = { metadata: { creationTimestamp: at(0) }, spec: { containers: [] }, status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: at(4) }] } };
  assert.equal(finishedTime(notReady), T0 + 4000);
  assert.equal(finishedTime({ metadata: { creationTimestamp: at(0), deletionTimestamp: at(40), deletionGracePeriodSeconds: 30 }, spec: { containers: [] } }), T0 + 10_000);
  assert.equal(finishedTime({ metadata: { creationTimestamp: at(2) }, spec: { containers: [] } }), T0 + 2000);
});

test('active pods are removed unscheduled first, then pending, not ready, and newest', () => {
  const pod = (name: string, nodeName: string | undefined, phase: 'Pending' | 'Running', ready: boolean, created: number): Pod => ({
    metadata: { name, creationTimestamp: at(created) }, spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at(created) }] },
  });
  const pods = [pod('ready-old', 'n', 'Running', true, 1), pod('running', 'n', 'Running', false, 1), pod('pending', 'n', 'Pending', false, 1), pod('unscheduled', undefined, 'Pending', false, 1), pod('ready-new', 'n', 'Running', true, 5)];
  assert.deepEqual([...pods].sort(activePodsOrder).map((p) => p.metadata.name), ['unscheduled', 'pending', 'running', 'ready-new', 'ready-old']);
});
