import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTime } from './goTime';

test('parseTime reads what time.Parse(RFC3339) reads and prints it as metav1.Time marshals it', () => {
  // metav1.Time.UnmarshalJSON/MarshalJSON (k8s.io/apimachinery/pkg/apis/meta/v1/time.go) over Go's time.Parse (time/format.go).
  const cases: [string, string][] = [
    ['2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'],
    ['2024-01-01T00:00:00.999999999Z', '2024-01-01T00:00:00Z'],
    ['2024-01-01T00:00:00,5Z', '2024-01-01T00:00:00Z'],
    ['2024-01-01T05:30:00+05:30', '2024-01-01T00:00:00Z'],
    ['2023-12-31T23:00:00-01:00', '2024-01-01T00:00:00Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00Z'],
    ['2024-01-01T9:00:00Z', '2024-01-01T09:00:00Z'],
  ];
  for (const [input, text] of cases) assert.deepEqual(parseTime(input, false), { ok: true, text }, input);
});

test('parseTime gives time.Parse\'s errors', () => {
  const layout = '"2006-01-02T15:04:05Z07:00"';
  const cases: [string, string][] = [
    ['', `parsing time "" as ${layout}: cannot parse "" as "2006"`],
    ['24-01-01T00:00:00Z', `parsing time "24-01-01T00:00:00Z" as ${layout}: cannot parse "24-01-01T00:00:00Z" as "2006"`],
    ['2024-1-01T00:00:00Z', `parsing time "2024-1-01T00:00:00Z" as ${layout}: cannot parse "1-01T00:00:00Z" as "01"`],
    ['2024-01-01T24:00:00Z', 'parsing time "2024-01-01T24:00:00Z": hour out of range'],
    ['2024-01-01T00:60:00Z', 'parsing time "2024-01-01T00:60:00Z": minute out of range'],
    ['2023-02-29T00:00:00Z', 'parsing time "2023-02-29T00:00:00Z": day out of range'],
    ['2024-01-01T00:00:00+0100', `parsing time "2024-01-01T00:00:00+0100" as ${layout}: cannot parse "+0100" as "Z07:00"`],
    ['2024-01-01T00:00:00+25:00', 'parsing time "2024-01-01T00:00:00+25:00": time zone offset hour out of range'],
  ];
  for (const [input, error] of cases) assert.deepEqual(parseTime(input, false), { ok: false, error }, input);
});

test('parseTime with micro keeps microseconds and needs all six digits', () => {
  assert.deepEqual(parseTime('2024-01-01T00:00:00.000001Z', true), { ok: true, text: '2024-01-01T00:00:00.000001Z' });
  assert.deepEqual(parseTime('2024-01-01T00:00:00.12345Z', true), {
    ok: false,
    error: 'parsing time "2024-01-01T00:00:00.12345Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".12345Z" as ".000000"',
  });
});
