/**
 * The CronJob controller over simulated days. A whole test lab spends seconds of
 * real time per simulated hour on its kubelets' heartbeats and leader leases, so
 * these runs put the controller alone on a real API server (validation,
 * defaulting, watches) on a manual clock. No Job controller runs: a test
 * finishes a Job itself by writing its Complete condition through the status
 * subresource, as the Job controller would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timestamp } from '../api/meta';
import type { Event } from '../api/types';
import { type Status, isStatus } from '../api/types';
import { ADMIN_TOKEN, testServer } from '../apiserver/testing';
import type { Job } from '../apiserver/validation/types/batch';
import { InformerFactory } from '../client/informer';
import { KubeClient } from '../client/kubeClient';
import { CRONJOBS, EVENTS, JOBS } from '../client/resources';
import { InProcessTransport } from '../client/transport';
import { ManualClock } from '../clock';
import { CronJobController } from './cronJobController';
import type { CronJob } from './cronJobUtils';
import { SCHEDULED_TIMESTAMP_ANNOTATION } from './cronJobUtils';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function ok<T>(res: T | Status): T {
  assert.ok(!isStatus(res), JSON.stringify(res));
  return res;
}

/** controllerAlone starts an API server and the CronJob controller on a manual clock reading start. */
async function controllerAlone(start: string): Promise<{ client: KubeClient; clock: ManualClock; stop: () => void }> {
  const clock = new ManualClock(Date.parse(start));
  const { api } = await testServer({ clock });
  const client = new KubeClient(new InProcessTransport(api, ADMIN_TOKEN));
  const factory = new InformerFactory(client, clock);
  const controller = new CronJobController(client, clock, factory);
  await factory.start();
  controller.run();
  return { client, clock, stop: () => { controller.stop(); factory.stop(); api.stop(); } };
}

function cronJob(name: string, spec: Partial<CronJob['spec']>): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } } } }, ...spec },
  };
}

async function jobs(client: KubeClient): Promise<Job[]> {
  return ok(await client.list<Job>(JOBS, 'default')).items.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function events(client: KubeClient, reason: string): Promise<Event[]> {
  return ok(await client.list<Event>(EVENTS, 'default')).items.filter((e) => e.reason === reason);
}

async function complete(client: KubeClient, clock: ManualClock, job: Job): Promise<void> {
  const now = timestamp(clock.now());
  ok(await client.updateStatus(JOBS, {
    ...job,
    status: { startTime: now, completionTime: now, succeeded: 1, conditions: [{ type: 'Complete', status: 'True', lastProbeTime: now, lastTransitionTime: now }] },
  }));
}

test('over two simulated days a */5 CronJob starts all 576 runs on time and keeps three finished Jobs', async () => {
  const { client, clock, stop } = await controllerAlone('2026-01-01T00:00:00Z');
  ok(await client.create(CRONJOBS, cronJob('tick', {})));
  await clock.advance(1000);
  const late: string[] = [];
  for (let run = 1; run <= 2 * 288; run++) {
    await clock.advance(5 * MINUTE);
    const due = Date.UTC(2026, 0, 1) + run * 5 * MINUTE;
    const active = (await jobs(client)).filter((j) => !j.status?.conditions?.length);
    // Each run's Job exists within the 100 ms the controller pads its wake-up with.
    if (active.length !== 1 || active[0].metadata.name !== `tick-${due / MINUTE}`) late.push(`${timestamp(due)}: ${active.map((j) => j.metadata.name).join(',')}`);
    for (const j of active) await complete(client, clock, j);
  }
  await clock.advance(1000);
  assert.deepEqual(late, []);
  const left = await jobs(client);
  const end = Date.UTC(2026, 0, 3) / MINUTE;
  assert.deepEqual(left.map((j) => j.metadata.name), [`tick-${end - 10}`, `tick-${end - 5}`, `tick-${end}`]);
  assert.equal((await events(client, 'SuccessfulCreate')).length, 576);
  assert.equal((await events(client, 'SuccessfulDelete')).length, 573);
  const cj = ok(await client.get<CronJob>(CRONJOBS, 'default', 'tick'));
  assert.equal(cj.status?.lastScheduleTime, '2026-01-03T00:00:00Z');
  assert.equal(cj.status?.active, undefined);
  stop();
});

test('suspended for a day, then resumed: only the latest missed run starts, with upstream\'s warning; a deadline silences it', async () => {
  const { client, clock, stop } = await controllerAlone('2026-01-01T00:00:00Z');
  ok(await client.create(CRONJOBS, cronJob('nap', { suspend: true })));
  ok(await client.create(CRONJOBS, cronJob('deadline', { suspend: true, startingDeadlineSeconds: 600 })));
  await clock.advance(DAY + 2 * MINUTE);
  assert.deepEqual(await jobs(client), [], 'nothing while suspended');

  for (const name of ['nap', 'deadline']) ok(await client.patch(CRONJOBS, 'default', name, { spec: { suspend: false } }));
  await clock.advance(1000);
  // 288 runs were missed since creation: the 00:00 run of the second day is the one that starts.
  const day2 = Date.UTC(2026, 0, 2) / MINUTE;
  assert.deepEqual((await jobs(client)).map((j) => j.metadata.name), [`deadline-${day2}`, `nap-${day2}`]);
  const warnings = await events(client, 'TooManyMissedTimes');
  assert.deepEqual(warnings.map((e) => [e.involvedObject.name, e.type, e.message]), [['nap', 'Warning', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew']]);
  await clock.advance(3 * MINUTE);
  assert.deepEqual((await jobs(client)).map((j) => j.metadata.name), [`deadline-${day2}`, `deadline-${day2 + 5}`, `nap-${day2}`, `nap-${day2 + 5}`]);
  stop();
});

test('a New York 01:30 job runs twice when clocks fall back and is skipped on no day, stamped with each offset', async () => {
  const { client, clock, stop } = await controllerAlone('2026-10-31T12:00:00Z');
  ok(await client.create(CRONJOBS, cronJob('ny', { schedule: '30 1 * * *', timeZone: 'America/New_York' })));
  await clock.advance(3 * DAY);
  assert.deepEqual((await jobs(client)).map((j) => j.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]), [
    '2026-11-01T01:30:00-04:00', '2026-11-01T01:30:00-05:00', '2026-11-02T01:30:00-05:00', '2026-11-03T01:30:00-05:00',
  ]);
  stop();
});

test('a New York 02:30 job does not run on the day clocks spring forward', async () => {
  const { client, clock, stop } = await controllerAlone('2026-03-07T12:00:00Z');
  ok(await client.create(CRONJOBS, cronJob('ny', { schedule: '30 2 * * *', timeZone: 'America/New_York' })));
  await clock.advance(3 * DAY);
  assert.deepEqual((await jobs(client)).map((j) => j.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]), ['2026-03-09T02:30:00-04:00', '2026-03-10T02:30:00-04:00']);
  stop();
});

test('a schedule that never runs is reported once and not retried', async () => {
  const { client, clock, stop } = await controllerAlone('2026-01-01T00:00:00Z');
  ok(await client.create(CRONJOBS, cronJob('never', { schedule: '0 0 31 2 *' })));
  await clock.advance(MINUTE);
  const invalid = await events(client, 'InvalidSchedule');
  assert.deepEqual(invalid.map((e) => [e.type, e.message]), [['Warning', 'invalid schedule: 0 0 31 2 * : time difference between two schedules is less than 1 second']]);
  await clock.advance(DAY);
  assert.equal((await events(client, 'InvalidSchedule'))[0].count, 1);
  stop();
});
