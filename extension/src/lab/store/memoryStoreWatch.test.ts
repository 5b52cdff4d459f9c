import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, settle } from '../clock';
import { MemoryStore, PROGRESS_NOTIFY_INTERVAL_MS, WATCH_BUFFER_LIMIT } from './memoryStore';
import { ERR_WATCH_CANCELED, type StoreEvent, type WatchError } from './store';

const put = (s: MemoryStore, key: string, value: string) => s.txn({ compare: [], success: [{ type: 'put', key, value }], failure: [] });

test('each batch carries the revision the watch is current to', async () => {
  const s = new MemoryStore();
  const seen: [string[], number][] = [];
  s.watch('/p/', 0, (events, revision) => void seen.push([events.map((e) => e.kv.key), revision]), () => assert.fail('no error expected'));
  await put(s, '/p/a', '1');
  await put(s, '/q/b', '1');
  await put(s, '/p/c', '1');
  await settle();
  assert.deepEqual(seen, [[['/p/a'], 2], [['/p/c'], 4]]);
});

test('a progress request gets an empty batch at the current revision, even after writes under other prefixes', async () => {
  const s = new MemoryStore();
  const seen: [number, number][] = [];
  const w = s.watch('/p/', 0, (events, revision) => void seen.push([events.length, revision]), () => assert.fail('no error expected'));
  await put(s, '/q/a', '1');
  await put(s, '/q/b', '1');
  w.requestProgress?.();
  await settle();
  assert.deepEqual(seen, [[0, 3]]);
});

test('progress notifications come every interval to watches that asked, skipping an interval that had changes', async () => {
  const clock = new ManualClock();
  const s = new MemoryStore({ clock });
  const notified: number[] = [];
  const plain: number[] = [];
  s.watch('/p/', 0, (events, revision) => void (events.length === 0 && notified.push(revision)), () => assert.fail('no error expected'), { progressNotify: true });
  s.watch('/p/', 0, (events, revision) => void (events.length === 0 && plain.push(revision)), () => assert.fail('no error expected'));
  await put(s, '/q/x', '1');
  await clock.advance(PROGRESS_NOTIFY_INTERVAL_MS);
  assert.deepEqual(notified, [2]);
  await put(s, '/p/a', '1');
  await clock.advance(PROGRESS_NOTIFY_INTERVAL_MS);
  assert.deepEqual(notified, [2], 'a change went out this interval: etcd elides the notification');
  await put(s, '/q/y', '1');
  await clock.advance(PROGRESS_NOTIFY_INTERVAL_MS);
  assert.deepEqual(notified, [2, 4]);
  assert.deepEqual(plain, [], 'a watch without progressNotify gets none');
  s.close();
  assert.equal(clock.pendingTimers, 0);
});

test('a busy consumer gets its batches in order once it settles', async () => {
  const s = new MemoryStore();
  const seen: number[] = [];
  let release: () => void = () => undefined;
  s.watch('/p/', 0, (events) => {
    seen.push(...events.map((e) => e.kv.modRevision));
    if (seen.length === 1) return new Promise<void>((resolve) => (release = resolve));
    return undefined;
  }, () => assert.fail('no error expected'));
  for (let i = 0; i < 5; i++) await put(s, `/p/${i}`, 'v');
  await settle();
  assert.deepEqual(seen, [2]);
  release();
  await settle();
  assert.deepEqual(seen, [2, 3, 4, 5, 6]);
});

test(`a consumer that falls ${WATCH_BUFFER_LIMIT} batches behind is canceled with etcd's error and its batches dropped`, async () => {
  const s = new MemoryStore();
  const seen: StoreEvent[] = [];
  const errors: WatchError[] = [];
  s.watch('/p/', 0, (events) => {
    seen.push(...events);
    return new Promise<void>(() => undefined);
  }, (e) => errors.push(e));
  const other: StoreEvent[] = [];
  s.watch('/p/', 0, (events) => void other.push(...events), () => assert.fail('the keeping-up watch goes on'));
  // The first batch keeps the consumer busy; the bound's worth wait; one more is too many.
  for (let i = 0; i <= WATCH_BUFFER_LIMIT; i++) await put(s, `/p/${i}`, 'v');
  await settle();
  assert.deepEqual(errors, []);
  await put(s, '/p/last', 'v');
  await settle();
  assert.deepEqual(errors, [{ code: 'canceled', message: ERR_WATCH_CANCELED, compactRevision: 0 }]);
  assert.equal(ERR_WATCH_CANCELED, 'etcdserver: watch canceled');
  assert.equal(seen.length, 1);
  await put(s, '/p/after', 'v');
  await settle();
  assert.equal(seen.length, 1, 'a canceled watch gets nothing more');
  assert.equal(other.length, WATCH_BUFFER_LIMIT + 3);
});

test('a consumer that takes its batches as they come is never canceled, however many writes one task makes', async () => {
  const s = new MemoryStore({ watchBufferLimit: 4 });
  let seen = 0;
  s.watch('/p/', 0, (events) => void (seen += events.length), () => assert.fail('no error expected'));
  await Promise.all(Array.from({ length: 50 }, (_, i) => put(s, `/p/${i}`, 'v')));
  await settle();
  assert.equal(seen, 50);
});
