import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../api/types';
import { type Status, isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import { JOBS, PODS } from '../client/resources';
import { startTestLab } from '../testLab';
import { needsCleanup, timeLeft } from './ttlAfterFinishedController';

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

const finishedJob = (ttl: number | undefined, conditions: { type: string; status: 'True' | 'False'; lastTransitionTime?: string }[]): Job => ({
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' },
  spec: { ...(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }) },
  status: { conditions },
});

test('only finished jobs with a TTL need clean-up, and their TTL runs from the finish condition', () => {
  const at = '2026-01-01T00:01:00Z';
  const cases: [string, Job, boolean][] = [
    ['complete with a TTL', finishedJob(30, [{ type: 'Complete', status: 'True', lastTransitionTime: at }]), true],
    ['failed with a TTL of 0', finishedJob(0, [{ type: 'Failed', status: 'True', lastTransitionTime: at }]), true],
    ['no TTL', finishedJob(undefined, [{ type: 'Complete', status: 'True', lastTransitionTime: at }]), false],
    ['still running', finishedJob(30, [{ type: 'FailureTarget', status: 'True', lastTransitionTime: at }]), false],
    ['complete False', finishedJob(30, [{ type: 'Complete', status: 'False', lastTransitionTime: at }]), false],
  ];
  for (const [name, job, want] of cases) assert.equal(needsCleanup(job), want, name);
  assert.deepEqual(timeLeft(cases[0][1], Date.parse('2026-01-01T00:01:10Z')), { remaining: 20_000, expireAt: Date.parse('2026-01-01T00:01:30Z') });
  assert.deepEqual(timeLeft(cases[1][1], Date.parse('2026-01-01T00:01:10Z')), { remaining: -10_000, expireAt: Date.parse(at) });
  assert.deepEqual(timeLeft(finishedJob(5, [{ type: 'Complete', status: 'True' }]), 0), { error: 'unable to find the time when the Job default/j finished' });
});

test('a finished Job is deleted with its pods ttlSecondsAfterFinished after it finished', async () => {
  const { lab, clock } = await startTestLab(2);
  const admin = lab.client();
  ok(await admin.create(JOBS, {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'brief', namespace: 'default' },
    spec: { ttlSecondsAfterFinished: 10, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'sleep 2'] }] } } },
  } satisfies Job));
  let finishedAt: number | undefined;
  for (let s = 0; s < 30 && finishedAt === undefined; s++) {
    await clock.advance(1000);
    const j = ok(await admin.get<Job>(JOBS, 'default', 'brief'));
    const t = j.status?.conditions?.find((c) => c.type === 'Complete')?.lastTransitionTime;
    if (t) finishedAt = Date.parse(t);
  }
  assert.ok(finishedAt !== undefined, 'the job never completed');
  await clock.advance(finishedAt + 9000 - clock.now());
  assert.ok(!isStatus(await admin.get<Job>(JOBS, 'default', 'brief')), 'the job is kept until its TTL expires');
  assert.equal(ok(await admin.list<Pod>(PODS, 'default', { labelSelector: 'job-name=brief' })).items.length, 1);
  await clock.advance(3000);
  const gone = await admin.get<Job>(JOBS, 'default', 'brief');
  assert.ok(isStatus(gone) && gone.code === 404, JSON.stringify(gone));
  assert.deepEqual(ok(await admin.list<Pod>(PODS, 'default', { labelSelector: 'job-name=brief' })).items, [], 'the pods go with it');
  lab.stop();
});
