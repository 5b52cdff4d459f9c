import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Pod } from '../api/types';
import type { Job, JobStatus } from '../apiserver/validation/types/batch';
import { newCondition } from './jobConditions';
import { JOB_TRACKING_FINALIZER } from './jobPods';
import { type SyncJobCtx, type TrackerApi, trackJobStatusAndRemoveFinalizers } from './jobStatusTracker';

const NOW = Date.parse('2026-01-01T00:01:00Z');

const pod = (uid: string, phase: 'Running' | 'Succeeded' | 'Failed'): Pod => ({
  metadata: { name: uid, namespace: 'default', uid, finalizers: [JOB_TRACKING_FINALIZER] }, spec: { containers: [] }, status: { phase },
});

function ctxFor(pods: Pod[], status: JobStatus = {}, finishedCondition?: Condition, terminating = 0): SyncJobCtx {
  const job: Job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default', uid: 'job' }, spec: { completions: 2, parallelism: 2 }, status: { uncountedTerminatedPods: {}, ...status } };
  return {
    key: 'default/j', job, pods, activePods: pods.filter((p) => p.status?.phase === 'Running'), finishedCondition,
    succeeded: 0, failed: 0, prevSucceededIndexes: [], succeededIndexes: [], newBackoffRecord: { failuresAfterLastSuccess: 0 },
    expectedRmFinalizers: new Set(), uncounted: { succeeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []), failed: new Set(status.uncountedTerminatedPods?.failed ?? []) },
    podsWithDelayedDeletionPerIndex: new Map(), terminating, ready: 0,
  };
}

/** fakeApi records every status written and removes finalizers except from the pods named in failing. */
function fakeApi(failing: string[] = []): TrackerApi & { writes: JobStatus[]; finished: string[] } {
  const writes: JobStatus[] = [];
  const finished: string[] = [];
  return {
    writes, finished,
    now: () => NOW,
    updateStatus: (job) => {
      writes.push(structuredClone(job.status ?? {}));
      return Promise.resolve(structuredClone(job));
    },
    removeFinalizers: (_key, pods) => {
      const removed = pods.map((p) => !failing.includes(p.metadata.uid ?? ''));
      return Promise.resolve({ removed, failed: removed.includes(false) });
    },
    saveBackoffRecord: () => undefined,
    recordJobFinished: (_job, c) => {
      finished.push(c.type);
      return Promise.resolve();
    },
  };
}

test('finished pods are written as uncounted before their finalizer goes, then counted', async () => {
  const api = fakeApi();
  const ctx = ctxFor([pod('s1', 'Succeeded'), pod('f1', 'Failed'), pod('r1', 'Running')]);
  assert.equal(await trackJobStatusAndRemoveFinalizers(api, ctx, false), true);
  assert.deepEqual(api.writes.map((s) => [s.uncountedTerminatedPods, s.succeeded, s.failed]), [
    [{ succeeded: ['s1'], failed: ['f1'] }, undefined, undefined],
    [{}, 1, 1],
  ]);
});

test('a finalizer that could not be removed keeps its pod uncounted, and the partial progress is written', async () => {
  const api = fakeApi(['s2']);
  const ctx = ctxFor([pod('s1', 'Succeeded'), pod('s2', 'Succeeded')]);
  assert.equal(await trackJobStatusAndRemoveFinalizers(api, ctx, false), false);
  assert.deepEqual(api.writes.map((s) => [s.uncountedTerminatedPods, s.succeeded]), [
    [{ succeeded: ['s1', 's2'] }, undefined],
    [{ succeeded: ['s2'] }, 1],
  ]);
});

test('success first writes SuccessCriteriaMet, then Complete with the completion time once every pod is counted', async () => {
  const api = fakeApi();
  const ctx = ctxFor([pod('s1', 'Succeeded'), pod('s2', 'Succeeded')], {}, newCondition('SuccessCriteriaMet', 'True', '', '', NOW));
  assert.equal(await trackJobStatusAndRemoveFinalizers(api, ctx, false), true);
  assert.deepEqual(api.writes.map((s) => (s.conditions ?? []).map((c) => c.type)), [['SuccessCriteriaMet'], ['SuccessCriteriaMet', 'Complete']]);
  assert.deepEqual([api.writes[1].succeeded, api.writes[1].completionTime], [2, '2026-01-01T00:01:00Z']);
  assert.deepEqual(api.finished, ['Complete']);
});

test('a failing job keeps FailureTarget and waits for terminating pods before Failed; running pods count as failed', async () => {
  const api = fakeApi();
  const ctx = ctxFor([pod('r1', 'Running')], { failed: 3 }, newCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', NOW), 1);
  assert.equal(await trackJobStatusAndRemoveFinalizers(api, ctx, false), true);
  assert.deepEqual(api.writes.map((s) => [(s.conditions ?? []).map((c) => c.type), s.failed]), [[['FailureTarget'], 3], [['FailureTarget'], 4]]);
  assert.deepEqual(api.finished, []);
  const later = fakeApi();
  const next = ctxFor([], api.writes[1], newCondition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', NOW));
  assert.equal(await trackJobStatusAndRemoveFinalizers(later, next, false), true);
  assert.deepEqual(later.writes.map((s) => (s.conditions ?? []).map((c) => `${c.type} ${c.reason ?? ''}`)), [['FailureTarget BackoffLimitExceeded', 'Failed BackoffLimitExceeded']]);
  assert.equal(later.writes[0].completionTime, undefined);
  assert.deepEqual(later.finished, ['Failed']);
});
