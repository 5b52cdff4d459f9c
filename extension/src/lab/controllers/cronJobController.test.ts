/**
 * The CronJob controller in a whole lab on a manual clock. The jobs it creates
 * are suspended (spec.suspend in the job template), so no pods run whether or
 * not a Job controller is present; a test finishes a Job itself by writing the
 * Complete or Failed condition through the status subresource, as the Job
 * controller would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestamp } from '../api/meta';
import type { Event } from '../api/types';
import { type Status, isStatus } from '../api/types';
import type { Job } from '../apiserver/validation/types/batch';
import type { KubeClient } from '../client/kubeClient';
import { CRONJOBS, EVENTS, JOBS } from '../client/resources';
import type { ManualClock } from '../clock';
import { startTestLab } from '../testLab';
import type { CronJob } from './cronJobUtils';
import { SCHEDULED_TIMESTAMP_ANNOTATION } from './cronJobUtils';

const MINUTE = 60_000;
/** The lab's clock starts at 2026-01-01T00:00:00Z; a run at minute m of that day is Job `<name>-<MINUTE0 + m>`. */
const MINUTE0 = Date.UTC(2026, 0, 1) / MINUTE;

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

function cronJob(name: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox', command: ['sleep', '3600'] }] } } },
      },
      ...spec,
    },
  };
}

async function jobNames(client: KubeClient, app: string): Promise<string[]> {
  return ok(await client.list<Job>(JOBS, 'default', { labelSelector: `app=${app}` })).items.filter((j) => !j.metadata.deletionTimestamp).map((j) => j.metadata.name ?? '').sort();
}

async function getCronJob(client: KubeClient, name: string): Promise<CronJob> {
  return ok(await client.get<CronJob>(CRONJOBS, 'default', name));
}

async function events(client: KubeClient, name: string, reason: string): Promise<string[]> {
  const all = ok(await client.list<Event>(EVENTS, 'default')).items;
  return all.filter((e) => e.involvedObject.kind === 'CronJob' && e.involvedObject.name === name && e.reason === reason).map((e) => e.message ?? '');
}

/** finish writes the condition the Job controller would, retrying on conflicts with anything else writing the Job. */
async function finish(client: KubeClient, clock: ManualClock, name: string, type: 'Complete' | 'Failed'): Promise<void> {
  for (;;) {
    const job = ok(await client.get<Job>(JOBS, 'default', name));
    const now = timestamp(clock.now());
    const condition = { type, status: 'True' as const, lastProbeTime: now, lastTransitionTime: now, reason: type === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded', message: type === 'Complete' ? 'Reached expected number of succeeded pods' : 'Job has reached the specified backoff limit' };
    job.status = {
      ...job.status, startTime: job.status?.startTime ?? now, active: 0,
      ...(type === 'Complete' ? { succeeded: 1, completionTime: now } : { failed: 1 }),
      conditions: [...(job.status?.conditions ?? []).filter((c) => c.type !== type), condition],
    };
    const res = await client.updateStatus(JOBS, job);
    if (!isStatus(res)) return;
    assert.equal(res.code, 409, JSON.stringify(res));
  }
}

test('a */5 CronJob creates a Job each run, records it, and prunes finished Jobs past the history limits', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  const created = ok(await admin.create(CRONJOBS, cronJob('tick', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 })));
  assert.equal(created.spec.concurrencyPolicy, 'Allow');

  await clock.advance(5 * MINUTE - 1000);
  assert.deepEqual(await jobNames(admin, 'tick'), [], 'nothing before the first run');
  await clock.advance(2000);
  assert.deepEqual(await jobNames(admin, 'tick'), [`tick-${MINUTE0 + 5}`]);
  const job = ok(await admin.get<Job>(JOBS, 'default', `tick-${MINUTE0 + 5}`));
  assert.equal(job.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2026-01-01T00:05:00Z');
  assert.deepEqual(job.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid, r.controller]), [['CronJob', 'tick', created.metadata.uid, true]]);
  let cj = await getCronJob(admin, 'tick');
  assert.deepEqual(cj.status?.active?.map((r) => [r.kind, r.name, r.uid]), [['Job', job.metadata.name, job.metadata.uid]]);
  assert.equal(cj.status?.lastScheduleTime, '2026-01-01T00:05:00Z');
  assert.deepEqual(await events(admin, 'tick', 'SuccessfulCreate'), [`Created job tick-${MINUTE0 + 5}`]);

  await clock.advance(29_000);
  await finish(admin, clock, `tick-${MINUTE0 + 5}`, 'Complete');
  await clock.advance(1000);
  cj = await getCronJob(admin, 'tick');
  assert.equal(cj.status?.active, undefined, 'a finished job leaves status.active');
  assert.equal(cj.status?.lastSuccessfulTime, '2026-01-01T00:05:30Z');
  assert.deepEqual(await events(admin, 'tick', 'SawCompletedJob'), [`Saw completed job: tick-${MINUTE0 + 5}, condition: Complete`]);

  // Three more runs succeed: only the newest two successful jobs are kept.
  for (const minute of [10, 15, 20]) {
    await clock.advance(MINUTE0 * MINUTE + minute * MINUTE + 10_000 - clock.now());
    await finish(admin, clock, `tick-${MINUTE0 + minute}`, 'Complete');
  }
  await clock.advance(1000);
  assert.deepEqual(await jobNames(admin, 'tick'), [`tick-${MINUTE0 + 15}`, `tick-${MINUTE0 + 20}`]);
  assert.deepEqual((await events(admin, 'tick', 'SuccessfulDelete')).sort(), [`Deleted job tick-${MINUTE0 + 5}`, `Deleted job tick-${MINUTE0 + 10}`]);
  assert.equal((await getCronJob(admin, 'tick')).status?.lastSuccessfulTime, '2026-01-01T00:20:10Z');

  // Two runs fail: only the newest failed job is kept.
  for (const minute of [25, 30]) {
    await clock.advance(MINUTE0 * MINUTE + minute * MINUTE + 10_000 - clock.now());
    await finish(admin, clock, `tick-${MINUTE0 + minute}`, 'Failed');
  }
  await clock.advance(1000);
  assert.deepEqual(await jobNames(admin, 'tick'), [`tick-${MINUTE0 + 15}`, `tick-${MINUTE0 + 20}`, `tick-${MINUTE0 + 30}`]);
  assert.deepEqual(await events(admin, 'tick', 'SawCompletedJob').then((m) => m.filter((x) => x.endsWith('Failed'))), [`Saw completed job: tick-${MINUTE0 + 25}, condition: Failed`, `Saw completed job: tick-${MINUTE0 + 30}, condition: Failed`]);
  assert.equal((await getCronJob(admin, 'tick')).status?.lastSuccessfulTime, '2026-01-01T00:20:10Z', 'failures do not move lastSuccessfulTime');
  lab.stop();
});

test('Forbid skips a run while a job is active and starts the skipped run once it finishes', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(CRONJOBS, cronJob('solo', { concurrencyPolicy: 'Forbid' })));
  await clock.advance(5 * MINUTE + 1000);
  assert.deepEqual(await jobNames(admin, 'solo'), [`solo-${MINUTE0 + 5}`]);
  await clock.advance(10 * MINUTE);
  assert.deepEqual(await jobNames(admin, 'solo'), [`solo-${MINUTE0 + 5}`], 'the runs at :10 and :15 are skipped');
  assert.ok((await events(admin, 'solo', 'JobAlreadyActive')).every((m) => m === 'Not starting job because prior execution is running and concurrency policy is Forbid'));
  assert.equal((await events(admin, 'solo', 'JobAlreadyActive')).length, 1, 'repeats of one event are counted, not duplicated');
  assert.equal((await getCronJob(admin, 'solo')).status?.lastScheduleTime, '2026-01-01T00:05:00Z');

  // 00:15:01: the job finishes, and the latest skipped run (00:15) starts at once, as upstream does without startingDeadlineSeconds.
  await finish(admin, clock, `solo-${MINUTE0 + 5}`, 'Complete');
  await clock.advance(1000);
  assert.deepEqual(await jobNames(admin, 'solo'), [`solo-${MINUTE0 + 5}`, `solo-${MINUTE0 + 15}`]);
  const cj = await getCronJob(admin, 'solo');
  assert.deepEqual(cj.status?.active?.map((r) => r.name), [`solo-${MINUTE0 + 15}`]);
  assert.equal(cj.status?.lastScheduleTime, '2026-01-01T00:15:00Z');
  lab.stop();
});

test('Forbid with a starting deadline lets a run go once its deadline has passed', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(CRONJOBS, cronJob('late', { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 60 })));
  await clock.advance(5 * MINUTE + 1000);
  await clock.advance(7 * MINUTE);
  await finish(admin, clock, `late-${MINUTE0 + 5}`, 'Complete');
  await clock.advance(1000);
  assert.deepEqual(await jobNames(admin, 'late'), [`late-${MINUTE0 + 5}`], 'the 00:10 run is past its 60 s deadline at 00:12');
  assert.deepEqual(await events(admin, 'late', 'MissSchedule'), []);
  await clock.advance(3 * MINUTE);
  assert.deepEqual(await jobNames(admin, 'late'), [`late-${MINUTE0 + 5}`, `late-${MINUTE0 + 15}`]);
  lab.stop();
});

test('Replace deletes the running job and starts the new run', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(CRONJOBS, cronJob('fresh', { concurrencyPolicy: 'Replace' })));
  await clock.advance(5 * MINUTE + 1000);
  const first = ok(await admin.get<Job>(JOBS, 'default', `fresh-${MINUTE0 + 5}`));
  await clock.advance(5 * MINUTE);
  assert.deepEqual(await jobNames(admin, 'fresh'), [`fresh-${MINUTE0 + 10}`]);
  assert.deepEqual(await events(admin, 'fresh', 'SuccessfulDelete'), [`Deleted job fresh-${MINUTE0 + 5}`]);
  const cj = await getCronJob(admin, 'fresh');
  assert.deepEqual(cj.status?.active?.map((r) => r.name), [`fresh-${MINUTE0 + 10}`]);
  assert.ok(!cj.status?.active?.some((r) => r.uid === first.metadata.uid));
  lab.stop();
});

test('a suspended CronJob starts nothing; resumed, it starts the latest run it missed and keeps to the schedule', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  ok(await admin.create(CRONJOBS, cronJob('nap')));
  await clock.advance(5 * MINUTE + 1000);
  assert.deepEqual(await jobNames(admin, 'nap'), [`nap-${MINUTE0 + 5}`]);
  ok(await admin.patch(CRONJOBS, 'default', 'nap', { spec: { suspend: true } }));
  await clock.advance(20 * MINUTE);
  assert.deepEqual(await jobNames(admin, 'nap'), [`nap-${MINUTE0 + 5}`], 'nothing while suspended');

  // 00:25:01: the runs at :10, :15, :20 and :25 were missed; only :25 starts, and four is not too many to warn about.
  ok(await admin.patch(CRONJOBS, 'default', 'nap', { spec: { suspend: false } }));
  await clock.advance(1000);
  assert.deepEqual(await jobNames(admin, 'nap'), [`nap-${MINUTE0 + 5}`, `nap-${MINUTE0 + 25}`]);
  assert.deepEqual(await events(admin, 'nap', 'TooManyMissedTimes'), []);
  assert.equal((await getCronJob(admin, 'nap')).status?.lastScheduleTime, '2026-01-01T00:25:00Z');
  await clock.advance(5 * MINUTE);
  assert.deepEqual(await jobNames(admin, 'nap'), [`nap-${MINUTE0 + 5}`, `nap-${MINUTE0 + 25}`, `nap-${MINUTE0 + 30}`]);
  lab.stop();
});

test('a time zone schedules by its wall clock and stamps the job in it; a vanished active job is dropped', async () => {
  const { lab, clock } = await startTestLab(1);
  const admin = lab.client();
  // The lab starts at 09:00 in Tokyo: 09:05 there is 00:05 UTC.
  ok(await admin.create(CRONJOBS, cronJob('tokyo', { schedule: '5 9 * * *', timeZone: 'Asia/Tokyo' })));
  await clock.advance(5 * MINUTE + 1000);
  const name = `tokyo-${MINUTE0 + 5}`;
  assert.deepEqual(await jobNames(admin, 'tokyo'), [name]);
  assert.equal(ok(await admin.get<Job>(JOBS, 'default', name)).metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2026-01-01T09:05:00+09:00');

  const deleted = await admin.delete(JOBS, 'default', name, { propagationPolicy: 'Background' });
  assert.equal((deleted as Status).status, 'Success');
  await clock.advance(1000);
  assert.equal((await getCronJob(admin, 'tokyo')).status?.active, undefined);
  assert.deepEqual(await events(admin, 'tokyo', 'MissingJob'), [`Active job went missing: ${name}`]);
  lab.stop();
});
