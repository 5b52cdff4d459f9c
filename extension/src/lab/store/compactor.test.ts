import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../clock';
import { Compactor, REVISION_INTERVAL_MS, parseAutoCompaction, parseGoDuration } from './compactor';
import { MemoryStore } from './memoryStore';

const MIN = 60_000;
const HOUR = 60 * MIN;

const parses: { mode: string; retention: string; want: ReturnType<typeof parseAutoCompaction> }[] = [
  { mode: 'periodic', retention: '1', want: { mode: 'periodic', retentionMs: HOUR } },
  { mode: 'periodic', retention: '30m', want: { mode: 'periodic', retentionMs: 30 * MIN } },
  { mode: 'periodic', retention: '1h30m', want: { mode: 'periodic', retentionMs: 90 * MIN } },
  { mode: 'periodic', retention: '0', want: undefined },
  { mode: 'periodic', retention: '', want: undefined },
  { mode: 'revision', retention: '1000', want: { mode: 'revision', retention: 1000 } },
  { mode: 'revision', retention: '0', want: undefined },
  { mode: 'periodic', retention: 'soon', want: { error: 'error parsing CompactionRetention: time: invalid duration "soon"' } },
  { mode: 'revision', retention: '5m', want: { error: 'error parsing CompactionRetention: a revision retention is a whole number of revisions, not "5m"' } },
  { mode: 'hourly', retention: '1', want: { error: 'unknown auto-compaction-mode "hourly"' } },
  { mode: '', retention: '1', want: { error: 'undefined auto-compaction-mode' } },
];
for (const c of parses) {
  test(`parseAutoCompaction(${JSON.stringify(c.mode)}, ${JSON.stringify(c.retention)})`, () => assert.deepEqual(parseAutoCompaction(c.mode, c.retention), c.want));
}

test('parseGoDuration reads Go durations', () => {
  assert.equal(parseGoDuration('1.5h'), 90 * MIN);
  assert.equal(parseGoDuration('2m3.5s'), 123_500);
  assert.equal(parseGoDuration('-5m'), -5 * MIN);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '5', 'm', '5x', '1h ']) assert.equal(parseGoDuration(bad), undefined, bad);
});

async function writer(store: MemoryStore, clock: ManualClock, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    await store.txn({ compare: [], success: [{ type: 'put', key: '/k', value: String(i) }], failure: [] });
    await clock.advance(MIN);
  }
}

test('periodic: every retention, compacts to the revision of one retention ago', async () => {
  const clock = new ManualClock();
  const store = new MemoryStore();
  const c = new Compactor(store, clock, { mode: 'periodic', retentionMs: 10 * MIN });
  c.start();
  // A write at the start of each minute: revision 2 at minute 0, 3 at minute 1, …
  await writer(store, clock, 9);
  assert.equal((await store.status()).compactRevision, 0, 'nothing before a retention has passed');
  await writer(store, clock, 1);
  // At minute 10, the revision sampled at minute 0 (before its write) was 1.
  assert.equal((await store.status()).compactRevision, 1);
  await writer(store, clock, 10);
  // At minute 20, the oldest of the 11 samples etcd keeps (retention / step + 1): minute 9's, revision 10.
  assert.equal((await store.status()).compactRevision, 10);
  c.stop();
  assert.equal(clock.pendingTimers, 0);
});

test('revision: every five minutes, compacts to the retention back from the current revision', async () => {
  const clock = new ManualClock();
  const store = new MemoryStore();
  const c = new Compactor(store, clock, { mode: 'revision', retention: 3 });
  c.start();
  for (let i = 0; i < 10; i++) await store.txn({ compare: [], success: [{ type: 'put', key: '/k', value: String(i) }], failure: [] });
  await clock.advance(REVISION_INTERVAL_MS);
  assert.equal((await store.status()).compactRevision, 11 - 3);
  await clock.advance(REVISION_INTERVAL_MS);
  assert.equal((await store.status()).compactRevision, 8, 'no writes: nothing moved');
  c.stop();
  assert.equal(clock.pendingTimers, 0);
});
