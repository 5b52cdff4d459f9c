import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Schedule } from './cronJobSchedule';
import { formatRFC1123Z, formatRFC3339, parseGoDuration, parseSchedule } from './cronJobSchedule';
import { type CronJob, SCHEDULED_TIMESTAMP_ANNOTATION, formatSchedule, jobFromTemplate, mostRecentScheduleTime, nextScheduleTime, nextScheduleTimeDuration } from './cronJobUtils';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

function schedule(spec: string): Schedule {
  const s = parseSchedule(spec);
  assert.ok(typeof s !== 'string', `${spec}: ${typeof s === 'string' ? s : ''}`);
  return s;
}

function runs(spec: string, from: string, n: number): (string | undefined)[] {
  const s = schedule(spec);
  const out: (string | undefined)[] = [];
  let t: number | undefined = at(from);
  for (let i = 0; i < n && t !== undefined; i++) out.push(iso((t = s.next(t))));
  return out;
}

test('next runs follow robfig/cron: strictly after, whole seconds, descriptors, day fields, @every, time zones', () => {
  const cases: [string, string, string, string[]][] = [
    ['every five minutes', '*/5 * * * *', '2026-01-01T00:00:00Z', ['2026-01-01T00:05:00Z', '2026-01-01T00:10:00Z']],
    ['from a fraction of a second before a run', '*/5 * * * *', '2026-01-01T00:04:59.500Z', ['2026-01-01T00:05:00Z']],
    ['from exactly a run, the next one', '*/5 * * * *', '2026-01-01T00:05:00Z', ['2026-01-01T00:10:00Z']],
    ['N/step means N to the end by step', '5/20 * * * *', '2026-01-01T00:00:00Z', ['2026-01-01T00:05:00Z', '2026-01-01T00:25:00Z', '2026-01-01T00:45:00Z']],
    ['day-of-month OR day-of-week when neither is a star', '0 0 1 * MON', '2026-01-20T00:00:00Z', ['2026-01-26T00:00:00Z', '2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z']],
    ['a star day-of-month with step 1 still ANDs', '0 0 */1 * MON', '2026-01-01T00:00:00Z', ['2026-01-05T00:00:00Z', '2026-01-12T00:00:00Z']],
    ['? is a star', '0 0 ? * mon', '2026-01-01T00:00:00Z', ['2026-01-05T00:00:00Z']],
    ['names of months and days, any case', '0 12 * feb-MAR Sat', '2026-01-01T00:00:00Z', ['2026-02-07T12:00:00Z', '2026-02-14T12:00:00Z']],
    ['@hourly', '@hourly', '2026-01-01T00:30:00Z', ['2026-01-01T01:00:00Z']],
    ['@daily and @midnight', '@midnight', '2026-01-01T00:30:00Z', ['2026-01-02T00:00:00Z']],
    ['@weekly is Sunday midnight', '@weekly', '2026-01-01T00:00:00Z', ['2026-01-04T00:00:00Z', '2026-01-11T00:00:00Z']],
    ['@monthly', '@monthly', '2026-01-15T00:00:00Z', ['2026-02-01T00:00:00Z']],
    ['@yearly and @annually', '@annually', '2026-01-15T00:00:00Z', ['2027-01-01T00:00:00Z']],
    ['@every counts from the whole second', '@every 1m30s', '2026-01-01T00:00:00.700Z', ['2026-01-01T00:01:30Z', '2026-01-01T00:03:00Z']],
    ['@every under a second is a second', '@every 500ms', '2026-01-01T00:00:00Z', ['2026-01-01T00:00:01Z']],
    ['a time zone moves the wall clock', 'TZ=Asia/Tokyo 0 9 * * *', '2026-01-01T00:00:00Z', ['2026-01-02T00:00:00Z']],
    ['a half-hour zone', 'TZ=Asia/Kolkata 0 0 * * *', '2026-01-01T00:00:00Z', ['2026-01-01T18:30:00Z']],
    ['February 29th waits for a leap year', '0 0 29 2 *', '2026-03-01T00:00:00Z', ['2028-02-29T00:00:00Z']],
  ];
  for (const [name, spec, from, want] of cases) assert.deepEqual(runs(spec, from, want.length), want, name);
});

test('daylight saving time: a skipped wall time does not run that day, a repeated one runs twice', () => {
  const ny = 'TZ=America/New_York';
  const cases: [string, string, string, string[]][] = [
    // 2026-03-08 02:00 EST jumps to 03:00 EDT.
    ['02:30 is skipped on the spring-forward day', `${ny} 30 2 * * *`, '2026-03-07T12:00:00Z', ['2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z']],
    ['hourly jumps from 01:00 EST to 03:00 EDT', `${ny} 0 * * * *`, '2026-03-08T05:30:00Z', ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z']],
    ['03:30 still runs once on the spring-forward day', `${ny} 30 2,3 * * *`, '2026-03-08T05:00:00Z', ['2026-03-08T07:30:00Z', '2026-03-09T06:30:00Z']],
    // 2026-11-01 02:00 EDT falls back to 01:00 EST.
    ['01:30 runs at 01:30 EDT and again at 01:30 EST', `${ny} 30 1 * * *`, '2026-10-31T12:00:00Z', ['2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-02T06:30:00Z']],
    ['hourly runs 01:00 twice', `${ny} 0 * * * *`, '2026-11-01T03:30:00Z', ['2026-11-01T04:00:00Z', '2026-11-01T05:00:00Z', '2026-11-01T06:00:00Z', '2026-11-01T07:00:00Z']],
    ['from inside the repeated hour, its second 01:30', `${ny} 30 1 * * *`, '2026-11-01T06:10:00Z', ['2026-11-01T06:30:00Z', '2026-11-02T06:30:00Z']],
    ['every half hour inside the repeated hour', `${ny} */30 1 * * *`, '2026-11-01T04:50:00Z', ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:00:00Z', '2026-11-01T06:30:00Z', '2026-11-02T06:00:00Z']],
    ['a time outside the repeated hour runs once', `${ny} 0 2 * * *`, '2026-10-31T12:00:00Z', ['2026-11-01T07:00:00Z', '2026-11-02T07:00:00Z']],
    // Europe/London: 2026-10-25 02:00 BST falls back to 01:00 GMT.
    ['London repeats 01:15', 'TZ=Europe/London 15 1 * * *', '2026-10-24T12:00:00Z', ['2026-10-25T00:15:00Z', '2026-10-25T01:15:00Z', '2026-10-26T01:15:00Z']],
    // Australia/Sydney: 2026-04-05 03:00 AEDT falls back to 02:00 AEST; 2026-10-04 02:00 AEST jumps to 03:00 AEDT.
    ['Sydney repeats 02:30 in April', 'TZ=Australia/Sydney 30 2 * * *', '2026-04-04T00:00:00Z', ['2026-04-04T15:30:00Z', '2026-04-04T16:30:00Z', '2026-04-05T16:30:00Z']],
    ['Sydney skips 02:30 in October', 'TZ=Australia/Sydney 30 2 * * *', '2026-10-03T00:00:00Z', ['2026-10-04T15:30:00Z']],
  ];
  for (const [name, spec, from, want] of cases) assert.deepEqual(runs(spec, from, want.length), want, name);
});

test('schedules that never run have no next run', () => {
  assert.equal(schedule('59 23 31 2 *').next(at('2026-01-01T00:00:00Z')), undefined);
});

test('a schedule that does not parse gives robfig/cron\'s error', () => {
  const cases: [string, string][] = [
    ['* * *', 'expected exactly 5 fields, found 3: [* * *]'],
    ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
    ['TZ=Mars/Olympus 0 * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ['61 * * * *', 'end of range (61) above maximum (59): 61'],
  ];
  for (const [spec, want] of cases) assert.equal(parseSchedule(spec), want, spec);
});

test('Go durations parse to milliseconds', () => {
  const cases: [string, number | undefined][] = [['90s', 90_000], ['1h30m', 5_400_000], ['1.5h', 5_400_000], ['250ms', 250], ['0', 0], ['5', undefined], ['', undefined], ['1x', undefined]];
  for (const [text, want] of cases) assert.equal(parseGoDuration(text), want, text);
});

test('times print as Go\'s RFC 3339 in a zone and RFC 1123Z in UTC', () => {
  const t = at('2026-01-01T00:05:00Z');
  const cases: [string, string][] = [
    ['UTC', '2026-01-01T00:05:00Z'], ['Asia/Kolkata', '2026-01-01T05:35:00+05:30'], ['America/New_York', '2025-12-31T19:05:00-05:00'], ['Europe/London', '2026-01-01T00:05:00Z'],
  ];
  for (const [zone, want] of cases) assert.equal(formatRFC3339(t, zone), want, zone);
  assert.equal(formatRFC3339(at('2026-07-01T12:00:00Z'), 'America/New_York'), '2026-07-01T08:00:00-04:00');
  assert.equal(formatRFC1123Z(t), 'Thu, 01 Jan 2026 00:05:00 +0000');
});

function cronJob(spec: Partial<CronJob['spec']>, created: string, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'hello', namespace: 'default', uid: 'cj-uid', creationTimestamp: created },
    spec: { schedule: '0 * * * *', concurrencyPolicy: 'Allow', jobTemplate: { spec: { template: { spec: { containers: [] } } } }, ...spec },
    status,
  };
}

test('mostRecentScheduleTime finds the latest run due and counts the missed ones as upstream estimates them', () => {
  type Case = [string, CronJob, string, boolean, { mostRecent?: string; missed: string; error?: string; earliest?: string }];
  const hourly = (status: CronJob['status'] = {}) => cronJob({}, '2026-01-01T10:00:00Z', status);
  const minutely = (extra: Partial<CronJob['spec']> = {}) => cronJob({ schedule: '*/1 * * * *', ...extra }, '2026-01-01T00:00:00Z');
  const cases: Case[] = [
    ['nothing due before the first run', hourly(), '2026-01-01T10:30:00Z', true, { missed: 'none', earliest: '2026-01-01T10:00:00Z' }],
    ['the first run, due', hourly(), '2026-01-01T11:00:01Z', true, { mostRecent: '2026-01-01T11:00:00Z', missed: 'none' }],
    ['two runs due: the latest, a few missed', hourly(), '2026-01-01T12:00:01Z', true, { mostRecent: '2026-01-01T12:00:00Z', missed: 'few' }],
    ['counted from lastScheduleTime', hourly({ lastScheduleTime: '2026-01-01T11:00:00Z' }), '2026-01-01T11:59:00Z', true, { missed: 'none', earliest: '2026-01-01T11:00:00Z' }],
    ['100 missed is still a few', minutely(), '2026-01-01T01:40:30Z', true, { mostRecent: '2026-01-01T01:40:00Z', missed: 'few' }],
    ['101 missed is too many', minutely(), '2026-01-01T01:41:30Z', true, { mostRecent: '2026-01-01T01:41:00Z', missed: 'many' }],
    ['startingDeadlineSeconds bounds the count', minutely({ startingDeadlineSeconds: 200 }), '2026-01-01T01:41:30Z', true, { mostRecent: '2026-01-01T01:41:00Z', missed: 'few', earliest: '2026-01-01T01:38:10Z' }],
    ['…unless the deadline is left out', minutely({ startingDeadlineSeconds: 200 }), '2026-01-01T01:41:30Z', false, { mostRecent: '2026-01-01T01:41:00Z', missed: 'many' }],
    ['years of missed minutes cost no more', minutely(), '2031-06-01T12:34:56Z', true, { mostRecent: '2031-06-01T12:34:00Z', missed: 'many' }],
    ['irregular schedules find the real latest run', cronJob({ schedule: '30 6-16/4 * * 1-5' }, '2026-01-02T15:00:00Z'), '2026-01-05T11:00:00Z', true, { mostRecent: '2026-01-05T10:30:00Z', missed: 'few' }],
    ['@every keeps its phase', cronJob({ schedule: '@every 1h' }, '2026-01-01T10:00:00Z'), '2026-01-01T13:30:00Z', true, { mostRecent: '2026-01-01T13:00:00Z', missed: 'few' }],
    ['a time zone', cronJob({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }, '2026-01-01T01:00:00Z'), '2026-01-02T00:00:05Z', true, { mostRecent: '2026-01-02T00:00:00Z', missed: 'none' }],
    ['the repeated 01:30 when clocks fall back', cronJob({ schedule: '30 1 * * *', timeZone: 'America/New_York' }, '2026-10-01T00:00:00Z', { lastScheduleTime: '2026-11-01T05:30:00Z' }), '2026-11-01T06:45:00Z', true, { mostRecent: '2026-11-01T06:30:00Z', missed: 'none' }],
    ['a schedule that never runs is an error', cronJob({ schedule: '59 23 31 2 *' }, '2026-01-01T00:00:00Z'), '2026-03-01T00:00:00Z', true, { missed: 'none', error: 'time difference between two schedules is less than 1 second' }],
  ];
  for (const [name, cj, now, withDeadline, want] of cases) {
    const r = mostRecentScheduleTime(cj, at(now), schedule(formatSchedule(cj).schedule), withDeadline);
    const got: Record<string, string | undefined> = { mostRecent: iso(r.mostRecent), missed: r.missed, error: r.error };
    if (want.earliest) got.earliest = iso(r.earliest);
    assert.deepEqual(got, { mostRecent: undefined, error: undefined, ...want }, name);
  }
});

test('nextScheduleTime warns only past 100 missed runs; the requeue aims 100 ms after the next run', () => {
  const cj = cronJob({ schedule: '*/1 * * * *' }, '2026-01-01T00:00:00Z');
  const s = schedule('*/1 * * * *');
  assert.deepEqual(nextScheduleTime(cj, at('2026-01-01T01:40:30Z'), s), { scheduled: at('2026-01-01T01:40:00Z'), tooManyMissed: false });
  assert.deepEqual(nextScheduleTime(cj, at('2026-01-01T01:41:30Z'), s), { scheduled: at('2026-01-01T01:41:00Z'), tooManyMissed: true });
  assert.deepEqual(nextScheduleTime(cj, at('2026-01-01T00:00:30Z'), s), { tooManyMissed: false });

  const hourly = cronJob({}, '2026-01-01T10:00:00Z');
  const h = schedule('0 * * * *');
  const cases: [string, CronJob, string, number][] = [
    ['before the first run', hourly, '2026-01-01T10:30:00Z', 30 * 60_000 + 100],
    ['just after starting a run', { ...hourly, status: { lastScheduleTime: '2026-01-01T11:00:00Z' } }, '2026-01-01T11:00:00.100Z', 3_600_000],
    ['with runs missed, from now', hourly, '2026-01-01T13:20:00Z', 40 * 60_000 + 100],
  ];
  for (const [name, c, now, want] of cases) assert.equal(nextScheduleTimeDuration(c, at(now), h), want, name);
  assert.equal(nextScheduleTimeDuration(cronJob({ schedule: '59 23 31 2 *' }, '2026-01-01T00:00:00Z'), at('2026-03-01T00:00:00Z'), schedule('59 23 31 2 *')), undefined);
});

test('formatSchedule puts spec.timeZone in front; a schedule with its own TZ is kept and flagged', () => {
  const cases: [Partial<CronJob['spec']>, { schedule: string; legacyTZ: boolean }][] = [
    [{ schedule: '0 * * * *' }, { schedule: '0 * * * *', legacyTZ: false }],
    [{ schedule: '0 * * * *', timeZone: 'Europe/Paris' }, { schedule: 'TZ=Europe/Paris 0 * * * *', legacyTZ: false }],
    [{ schedule: '0 * * * *', timeZone: 'Nowhere/Else' }, { schedule: '0 * * * *', legacyTZ: false }],
    [{ schedule: 'CRON_TZ=Asia/Tokyo 0 * * * *' }, { schedule: 'CRON_TZ=Asia/Tokyo 0 * * * *', legacyTZ: true }],
  ];
  for (const [spec, want] of cases) assert.deepEqual(formatSchedule(cronJob(spec, '2026-01-01T00:00:00Z')), want, JSON.stringify(spec));
});

test('the Job for a run is named by its minute, stamped in the CronJob\'s zone, and owned by the CronJob', () => {
  const cj = cronJob({ timeZone: 'Asia/Kolkata', jobTemplate: { metadata: { labels: { app: 'report' }, annotations: { team: 'data' } }, spec: { backoffLimit: 2, template: { spec: { containers: [] } } } } }, '2026-01-01T00:00:00Z');
  const job = jobFromTemplate(cj, at('2026-01-01T00:05:00Z'));
  assert.equal(job.metadata.name, 'hello-29453765');
  assert.deepEqual(job.metadata.labels, { app: 'report' });
  assert.deepEqual(job.metadata.annotations, { team: 'data', [SCHEDULED_TIMESTAMP_ANNOTATION]: '2026-01-01T05:35:00+05:30' });
  assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
  assert.equal(job.spec?.backoffLimit, 2);
  assert.equal(jobFromTemplate(cronJob({}, '2026-01-01T00:00:00Z'), at('2026-01-01T00:05:00Z')).metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2026-01-01T00:05:00Z');
});
