import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSnapshotStatus, humanizeBytes } from './snapshotStatusPrinter';

test('humanizeBytes words sizes as go-humanize\'s Bytes', () => {
  const cases: [number, string][] = [
    [0, '0 B'], [9, '9 B'], [10, '10 B'], [999, '999 B'], [1000, '1.0 kB'], [1049, '1.0 kB'], [1050, '1.1 kB'],
    [9949, '9.9 kB'], [9950, '10 kB'], [20_480, '20 kB'],
    // Go's %.0f rounds an exact half to even.
    [22_500, '22 kB'], [23_500, '24 kB'],
    [999_999, '1000 kB'], [2_113_536, '2.1 MB'], [82_854_982, '83 MB'], [2_147_483_648, '2.1 GB'], [1e12, '1.0 TB'],
  ];
  for (const [n, want] of cases) assert.equal(humanizeBytes(n), want, String(n));
});

const STATUS = { hash: 0xfe01cf57, revision: 10, totalKey: 7, totalSize: 2_113_536 };

test('snapshot status prints as etcdctl\'s simple, table and json writers', () => {
  assert.equal(formatSnapshotStatus(STATUS, 'simple'), 'fe01cf57, 10, 7, 2.1 MB\n');
  assert.equal(formatSnapshotStatus(STATUS, 'table'), [
    '+----------+----------+------------+------------+',
    '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |',
    '+----------+----------+------------+------------+',
    '| fe01cf57 |       10 |          7 |     2.1 MB |',
    '+----------+----------+------------+------------+',
    '',
  ].join('\n'));
  assert.equal(formatSnapshotStatus(STATUS, 'json'), '{"hash":4261531479,"revision":10,"totalKey":7,"totalSize":2113536}\n');
});

test('the hash prints as Go\'s %x, without leading zeros, and a wide cell widens its column', () => {
  const s = { hash: 0x0000beef, revision: 1_234_567_890_123, totalKey: 0, totalSize: 9 };
  assert.equal(formatSnapshotStatus(s, 'simple'), 'beef, 1234567890123, 0, 9 B\n');
  assert.equal(formatSnapshotStatus(s, 'table'), [
    '+------+---------------+------------+------------+',
    '| HASH |   REVISION    | TOTAL KEYS | TOTAL SIZE |',
    '+------+---------------+------------+------------+',
    '| beef | 1234567890123 |          0 |        9 B |',
    '+------+---------------+------------+------------+',
    '',
  ].join('\n'));
});
