/**
 * The error texts are github.com/robfig/cron/v3's parser.go (Parse,
 * normalizeFields, getRange, mustParseInt, parseDescriptor) over Go's
 * strconv.Atoi and time.ParseDuration, which the API server vendors for
 * pkg/apis/batch/validation's validateScheduleFormat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cronScheduleError } from './cronSchedule';

const zones = (name: string) => ['UTC', 'Europe/Paris'].includes(name);

const cases: [string, string | undefined][] = [
  ['*/5 * * * *', undefined],
  ['0 0 1 jan-mar mon-fri', undefined],
  ['0 12 * * ?', undefined],
  ['1,2,,3 * * * *', undefined],
  ['@daily', undefined],
  ['@every 1h30m', undefined],
  ['TZ=Europe/Paris 0 3 * * *', undefined],
  ['', 'empty spec string'],
  ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
  ['0 0 * * * *', 'expected exactly 5 fields, found 6: [0 0 * * * *]'],
  ['60 * * * *', 'end of range (60) above maximum (59): 60'],
  ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
  ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
  ['* * * * 7', 'end of range (7) above maximum (6): 7'],
  ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
  ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
  ['*/2/3 * * * *', 'too many slashes: */2/3'],
  ['*/0 * * * *', 'step of range should be a positive number: */0'],
  ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
  ['*/ * * * *', 'failed to parse int from : strconv.Atoi: parsing "": invalid syntax'],
  ['*/-2 * * * *', 'negative number (-2) not allowed: -2'],
  ['* * * foo *', 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax'],
  ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
  ['@every 5', 'failed to parse duration @every 5: time: missing unit in duration "5"'],
  ['@every 5q', 'failed to parse duration @every 5q: time: unknown unit "q" in duration "5q"'],
  ['@every x', 'failed to parse duration @every x: time: invalid duration "x"'],
  ['TZ=Mars/Base 0 3 * * *', 'provided bad location Mars/Base: unknown time zone Mars/Base'],
];

for (const [spec, want] of cases) {
  test(`schedule ${JSON.stringify(spec)} ${want ? 'is rejected' : 'parses'}`, () => {
    assert.equal(cronScheduleError(spec, zones), want);
  });
}
