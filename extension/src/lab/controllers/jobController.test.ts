import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition, Event, Pod } from '../api/types';
import { type Status, isStatus } from '../api/types';
import type { Job, JobSpec } from '../apiserver/validation/types/batch';
import type { KubeClient } from '../client/kubeClient';
import { EVENTS, JOBS, PODS } from '../client/resources';
import type { ManualClock } from '../clock';
import { startTestLab } from '../testLab';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

const busybox = (script: string): JobSpec['template'] => ({ spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', script] }] } });

const job = (name: string, spec: JobSpec): Job => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: 'default' }, spec });

async function getJob(client: KubeClient, name: string): Promise<Job> {
  return ok(await client.get<Job>(JOBS, 'default', name));
}

async function jobPods(client: KubeClient, name: string): Promise<Pod[]> {
  return ok(await client.list<Pod>(PODS, 'default', { labelSelector: `batch.kubernetes.io/job-name=${name}` })).items;
}

async function jobEvents(client: KubeClient, name: string): Promise<string[]> {
  return ok(await client.list<Event>(EVENTS, 'default')).items
    .filter((e) => e.involvedObject.kind === 'Job' && e.involvedObject.name === name)
    .map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
}

/** conditions lists a job's conditions as `type=status reason: message`. */
const conditions = (j: Job): string[] => (j.status?.conditions ?? []).map((c: Condition) => `${c.type}=${c.status} ${c.reason ?? ''}: ${c.message ?? ''}`);

/** stepUntil advances the clock a second at a time until done holds, failing after limit seconds. */
async function stepUntil(clock: ManualClock, limit: number, done: () => Promise<boolean>, each?: () => Promise<void>): Promise<void> {
  for (let s = 0; s < limit; s++) {
    if (await done()) return;
    await clock.advance(1000);
    await each?.();
  }
  assert.fail(`condition not reached within ${limit} s`);
}

const finished = (client: KubeClient, name: string) => async () => (await getJob(client, name)).status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false;

test('a Job of 3 completions, 2 at a time, completes with succeeded 3, never running more than 2 pods', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  const created = ok(await admin.create(JOBS, job('pi', { completions: 3, parallelism: 2, template: busybox('sleep 5') })));
  let maxActive = 0;
  await stepUntil(clock, 60, finished(admin, 'pi'), async () => {
    const active = (await jobPods(admin, 'pi')).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp);
    maxActive = Math.max(maxActive, active.length);
  });
  const done = await getJob(admin, 'pi');
  assert.equal(maxActive, 2);
  assert.deepEqual(conditions(done), ['SuccessCriteriaMet=True : ', 'Complete=True : ']);
  assert.equal(done.status?.succeeded, 3);
  assert.equal(done.status?.failed, undefined);
  assert.equal(done.status?.active, undefined, 'active 0 is left out, as omitempty does');
  assert.deepEqual([done.status?.ready, done.status?.terminating, done.status?.uncountedTerminatedPods], [0, 0, {}]);
  assert.equal(done.status?.startTime, '2026-01-01T00:00:00Z');
  assert.equal(done.status?.completionTime, done.status?.conditions?.[1].lastTransitionTime);
  const pods = await jobPods(admin, 'pi');
  assert.equal(pods.length, 3);
  const uid = created.metadata.uid ?? '';
  for (const p of pods) {
    assert.deepEqual(p.metadata.finalizers ?? [], [], 'the tracking finalizer is removed once counted');
    assert.deepEqual(
      [p.metadata.labels?.['batch.kubernetes.io/controller-uid'], p.metadata.labels?.['controller-uid'], p.metadata.labels?.['batch.kubernetes.io/job-name'], p.metadata.labels?.['job-name']],
      [uid, uid, 'pi', 'pi'],
    );
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid, controller: true, blockOwnerDeletion: true }]);
    assert.match(p.metadata.name ?? '', /^pi-[a-z0-9]{5}$/);
  }
  const events = await jobEvents(admin, 'pi');
  assert.deepEqual(events.filter((e) => e.includes('SuccessfulCreate')).length, 3);
  assert.ok(events.includes('Normal Completed: Job completed'), events.join('\n'));
  lab.stop();
});

test('a failing Job backs off 10 s then 20 s between pods and fails with BackoffLimitExceeded after backoffLimit', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, job('fail', { backoffLimit: 2, template: busybox('exit 3') })));
  await stepUntil(clock, 120, finished(admin, 'fail'));
  const pods = (await jobPods(admin, 'fail')).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  assert.equal(pods.length, 3);
  const gaps = pods.slice(1).map((p, i) => (Date.parse(p.metadata.creationTimestamp ?? '') - Date.parse(pods[i].status?.containerStatuses?.[0].state.terminated?.finishedAt ?? '')) / 1000);
  // The delay doubles from 10 s; the replacement comes at the first sync after it (syncs are batched by a second).
  assert.ok(gaps[0] >= 10 && gaps[0] <= 11, `first gap ${gaps[0]}`);
  assert.ok(gaps[1] >= 20 && gaps[1] <= 21, `second gap ${gaps[1]}`);
  assert.deepEqual(pods.map((p) => p.status?.containerStatuses?.[0].state.terminated?.exitCode), [3, 3, 3]);
  const failed = await getJob(admin, 'fail');
  assert.deepEqual(conditions(failed), [
    'FailureTarget=True BackoffLimitExceeded: Job has reached the specified backoff limit',
    'Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit',
  ]);
  assert.equal(failed.status?.failed, 3);
  assert.equal(failed.status?.completionTime, undefined);
  assert.ok((await jobEvents(admin, 'fail')).includes('Warning BackoffLimitExceeded: Job has reached the specified backoff limit'));
  lab.stop();
});

test('activeDeadlineSeconds deletes the running pods and fails the Job with DeadlineExceeded once they are gone', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, job('slow', { parallelism: 2, activeDeadlineSeconds: 5, template: busybox('sleep 3600') })));
  await clock.advance(4000);
  assert.deepEqual(conditions(await getJob(admin, 'slow')), []);
  await clock.advance(2000);
  const target = await getJob(admin, 'slow');
  assert.deepEqual(conditions(target), ['FailureTarget=True DeadlineExceeded: Job was active longer than specified deadline']);
  assert.equal(target.status?.terminating, 2, 'the deleted pods are still terminating');
  assert.ok((await jobPods(admin, 'slow')).every((p) => p.metadata.deletionTimestamp));
  await stepUntil(clock, 60, finished(admin, 'slow'));
  const failed = await getJob(admin, 'slow');
  assert.deepEqual(conditions(failed).slice(1), ['Failed=True DeadlineExceeded: Job was active longer than specified deadline']);
  assert.deepEqual([failed.status?.failed, failed.status?.terminating, failed.status?.active], [2, 0, undefined]);
  const events = await jobEvents(admin, 'slow');
  assert.equal(events.filter((e) => /^Normal SuccessfulDelete: Deleted pod: slow-/.test(e)).length, 2);
  assert.ok(events.includes('Warning DeadlineExceeded: Job was active longer than specified deadline'));
  lab.stop();
});

test('an Indexed Job gives each pod its index as annotation, label, hostname and JOB_COMPLETION_INDEX, and lists the completed indexes', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, job('idx', { completions: 4, parallelism: 2, completionMode: 'Indexed', template: busybox('sleep 2') })));
  await clock.advance(1000);
  const first = await jobPods(admin, 'idx');
  assert.deepEqual(first.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1']);
  await clock.advance(3000);
  const partial = await getJob(admin, 'idx');
  assert.equal(partial.status?.completedIndexes, '0,1');
  await stepUntil(clock, 30, finished(admin, 'idx'));
  const done = await getJob(admin, 'idx');
  assert.deepEqual([done.status?.completedIndexes, done.status?.succeeded], ['0-3', 4]);
  assert.deepEqual(conditions(done), ['SuccessCriteriaMet=True : ', 'Complete=True : ']);
  const pods = await jobPods(admin, 'idx');
  for (const p of pods) {
    const ix = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] ?? '';
    assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], ix);
    assert.equal(p.spec.hostname, `idx-${ix}`);
    assert.match(p.metadata.name ?? '', new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
    assert.deepEqual(p.spec.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
  }
  assert.deepEqual(pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2', '3']);
  lab.stop();
});

test('a podFailurePolicy FailJob rule on an exit code fails the Job at the first such pod', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, job('pfp', {
    backoffLimit: 6,
    podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } }] },
    template: busybox('exit 42'),
  })));
  await stepUntil(clock, 30, finished(admin, 'pfp'));
  const [pod] = await jobPods(admin, 'pfp');
  const message = `Container main for pod default/${pod.metadata.name ?? ''} failed with exit code 42 matching FailJob rule at index 1`;
  const failed = await getJob(admin, 'pfp');
  assert.deepEqual(conditions(failed), [`FailureTarget=True PodFailurePolicy: ${message}`, `Failed=True PodFailurePolicy: ${message}`]);
  assert.equal(failed.status?.failed, 1);
  assert.equal((await jobPods(admin, 'pfp')).length, 1, 'no replacement pod');
  assert.ok((await jobEvents(admin, 'pfp')).includes(`Warning PodFailurePolicy: ${message}`));
  lab.stop();
});

test('a Job created suspended runs no pod until resumed, with the Suspended condition and events', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, job('later', { suspend: true, template: busybox('sleep 1') })));
  await clock.advance(5000);
  const suspended = await getJob(admin, 'later');
  assert.deepEqual(conditions(suspended), ['Suspended=True JobSuspended: Job suspended']);
  assert.equal(suspended.status?.startTime, undefined);
  assert.deepEqual(await jobPods(admin, 'later'), []);
  ok(await admin.patch(JOBS, 'default', 'later', { spec: { suspend: false } }));
  await stepUntil(clock, 30, finished(admin, 'later'));
  const done = await getJob(admin, 'later');
  assert.deepEqual(conditions(done), ['Suspended=False JobResumed: Job resumed', 'SuccessCriteriaMet=True : ', 'Complete=True : ']);
  assert.equal(done.status?.startTime, '2026-01-01T00:00:05Z', 'the start time is the resume');
  const events = await jobEvents(admin, 'later');
  assert.ok(events.includes('Normal Suspended: Job suspended') && events.includes('Normal Resumed: Job resumed'), events.join('\n'));
  lab.stop();
});
